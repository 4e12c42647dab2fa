package io.ttastream.app.stream;

/**
 * The Kafka record headers of a speech frame on {@link Topics#AUDIO_FRAMES}. Every value is UTF-8 text,
 * numbers in decimal, so that any client ({@code kcat -H seq=7 ...}) can produce frames.
 */
public final class FrameHeaders {

    /** Required. The frame's sequence number within its stream (long, at least 0, strictly increasing). */
    public static final String SEQ = "seq";

    /** Required. Samples per second (int); must be one of {@link Config#acceptedSampleRates()}. */
    public static final String SAMPLE_RATE = "sample_rate";

    /** Required. Interleaved channels (int): 1 or 2; stereo is averaged to mono. */
    public static final String CHANNELS = "channels";

    /** Required. {@code true} on the last frame of an utterance, else {@code false}. */
    public static final String END_OF_UTTERANCE = "eou";

    /**
     * Optional. The producer's name for the utterance; without it the service names it {@code <stream>-<first seq>}.
     * A frame with a different id than the open utterance's starts a new one; a frame without it continues.
     */
    public static final String UTTERANCE_ID = "utterance_id";

    /**
     * Optional. The adaptation scope whose weights transcribe the utterance; an utterance whose first frame has
     * none is in the stream id's scope. A frame with a different scope than the open utterance's starts a new
     * one; a frame without it continues.
     */
    public static final String SCOPE = "scope";

    /** Added on {@link Topics#AUDIO_FRAMES_DLQ} (the {@link RejectReason} code) and {@link Topics#UTTERANCES_DLQ}. */
    public static final String REASON = "reason";

    /** Added on both dead-letter topics: what was wrong, in words. */
    public static final String ERROR = "error";

    private FrameHeaders() {
    }
}
