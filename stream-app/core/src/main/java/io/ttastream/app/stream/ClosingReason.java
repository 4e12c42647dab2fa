package io.ttastream.app.stream;

import java.util.Locale;

/** Why an utterance was closed and emitted; {@link #code()} is the {@code closing_reason} in transcripts. */
public enum ClosingReason {
    /** The producer marked the last frame ({@code eou=true}). */
    END_OF_UTTERANCE,
    /** Energy endpointing: enough silence followed speech. */
    SILENCE,
    /** No frame arrived for the idle timeout. */
    IDLE_TIMEOUT,
    /** The next frame would have made the utterance longer than the maximum; the next part starts with it. */
    MAX_LENGTH,
    /** The next frame belongs to another utterance: a new utterance id, scope or sample rate. */
    INTERRUPTED;

    /** The name in lower case, for example {@code idle_timeout}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
