package io.ttastream.app.stream;

/** The Kafka topics the transcription service reads and writes. */
public final class Topics {

    /** Speech frames in: key = stream id, value = raw PCM16LE bytes, headers as in {@link FrameHeaders}. */
    public static final String AUDIO_FRAMES = "audio.frames";

    /** Rejected frames: the original key, value and headers plus {@link FrameHeaders#REASON} and {@link FrameHeaders#ERROR}. */
    public static final String AUDIO_FRAMES_DLQ = "audio.frames.dlq";

    /** One JSON transcript per utterance, keyed by stream id. */
    public static final String ASR_TRANSCRIPTS = "asr.transcripts";

    /** JSON events the recogniser reports (slow updates, resets, drift), keyed by adaptation scope. */
    public static final String TTA_EVENTS = "tta.events";

    /**
     * Reference transcripts, when a user has them (a labelled test stream, human corrections): key = stream id,
     * value = JSON {@code {"utterance": "<utterance id>", "text": "<what was said>"}}. They are joined with the
     * transcripts to report online word error rates of the adapted and the source decoding.
     */
    public static final String ASR_REFERENCES = "asr.references";

    private Topics() {
    }
}
