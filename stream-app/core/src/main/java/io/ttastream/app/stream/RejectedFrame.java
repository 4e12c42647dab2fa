package io.ttastream.app.stream;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;

/**
 * A frame that failed validation: why (for metrics by reason), what was wrong in words, and its original value,
 * possibly null, for the dead-letter topic.
 */
public record RejectedFrame(RejectReason reason, String error, byte[] value) implements CheckedFrame {

    /**
     * The dead-letter record's headers: a copy of every original header plus {@link FrameHeaders#REASON} and
     * {@link FrameHeaders#ERROR}.
     */
    public Headers deadLetterHeaders(Headers original) {
        return new RecordHeaders(original.toArray())
                .add(FrameHeaders.REASON, reason.code().getBytes(StandardCharsets.UTF_8))
                .add(FrameHeaders.ERROR, error.getBytes(StandardCharsets.UTF_8));
    }
}
