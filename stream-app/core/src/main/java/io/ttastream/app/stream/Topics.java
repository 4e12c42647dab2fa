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

    private Topics() {
    }
}
