package io.ttastream.app.stream;

/** Why a frame went to {@link Topics#AUDIO_FRAMES_DLQ}; {@link #code()} is the {@code reason} header's value. */
public enum RejectReason {
    /** The record has no key, an empty key, or a key with a NUL character (the stream id is its key). */
    BAD_KEY,
    /** A required header is absent. */
    MISSING_HEADER,
    /** A header's value does not parse (not a number, a negative sequence number, eou neither true nor false). */
    BAD_HEADER,
    /** The sample rate is not one the service accepts. */
    UNSUPPORTED_SAMPLE_RATE,
    /** The channel count is neither 1 nor 2. */
    UNSUPPORTED_CHANNELS,
    /** The frame has no audio bytes. */
    EMPTY_FRAME,
    /** The frame is larger than {@link Config#maxFrameBytes()}. */
    OVERSIZE_FRAME,
    /** The byte count is not a whole number of samples (2 bytes times the channel count). */
    INCOMPLETE_SAMPLE,
    /** The sequence number equals the stream's last accepted one (a replay or a producer retry). */
    DUPLICATE_SEQUENCE,
    /** The sequence number is below the stream's last accepted one. */
    OUT_OF_ORDER_SEQUENCE;

    /** The header value: the name in lower case, for example {@code unsupported_sample_rate}. */
    public String code() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
