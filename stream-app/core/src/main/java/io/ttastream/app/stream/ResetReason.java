package io.ttastream.app.stream;

import java.util.Locale;

/**
 * Why a scope's adapted weights went back to the source (or last known-good) weights: the {@code reason} label of
 * both engines' reset counters ({@code tta_resets_total} in the service). A closed set, so that a free-text
 * reason can never grow the number of series.
 */
public enum ResetReason {
    /** The drift detector's statistic crossed its threshold. */
    DOMAIN_SHIFT,
    /** The strategy resets every N utterances regardless. */
    PERIODIC,
    /** Too many recent transcripts were empty. */
    COLLAPSE,
    /** A slow update produced a non-finite gradient. */
    NON_FINITE_GRADIENT,
    /** Any reason not listed above. */
    OTHER;

    /** The label value: the name in lower case, for example {@code domain_shift}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Maps a strategy's reason text ({@code "domain shift"}, {@code "non-finite gradient"}, ...) to its constant:
     * case, spaces and hyphens do not matter; an unknown text is {@link #OTHER}.
     */
    public static ResetReason fromDescription(String description) {
        String name = description.trim().toUpperCase(Locale.ROOT).replace(' ', '_').replace('-', '_');
        for (ResetReason reason : values()) {
            if (reason.name().equals(name)) {
                return reason;
            }
        }
        return OTHER;
    }
}
