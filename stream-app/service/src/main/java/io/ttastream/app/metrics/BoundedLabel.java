package io.ttastream.app.metrics;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps a label whose values come from the data (stream ids, scopes) to a bounded number of series: the first
 * {@code limit} distinct values are used as they are, every later one is reported as {@link #OVERFLOW}. Every series
 * costs memory in the service and in Prometheus, so a producer inventing a new stream id per utterance must not be
 * able to create series without end.
 */
final class BoundedLabel {

    /** The label value shared by all values seen after the limit was reached. */
    static final String OVERFLOW = "_overflow";

    private final int limit;
    private final Set<String> admitted = ConcurrentHashMap.newKeySet();

    BoundedLabel(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
        this.limit = limit;
    }

    /** The label value to report for {@code value}. */
    String of(String value) {
        if (admitted.contains(value)) {
            return value;
        }
        synchronized (this) {
            if (admitted.contains(value) || admitted.size() < limit) {
                admitted.add(value);
                return value;
            }
        }
        return OVERFLOW;
    }
}
