package io.ttastream.app.stream;

import io.ttastream.asr.audio.Pcm16;

/**
 * The state machine that assembles one stream's frames into utterances, whichever engine keeps its state.
 *
 * <p>A frame first closes the open utterance if it does not continue it ({@link ClosingReason#INTERRUPTED}) or
 * would make it longer than the maximum ({@link ClosingReason#MAX_LENGTH}, the frame then opens the next part);
 * it is appended; then the end-of-utterance flag or energy endpointing may close the utterance. The engine
 * calls {@link #closeIfIdle} on a wall-clock schedule to close utterances that got no frame for the idle
 * timeout.
 */
public final class UtteranceAssembly {

    /**
     * One stream's assembly state where the engine keeps it: the open utterance and its audio, kept apart frame
     * by frame so that each new frame costs one small write rather than a rewrite of the whole utterance.
     */
    public interface StreamState {
        /** The open utterance, or null when none is open. */
        OpenUtterance open();

        void putOpen(OpenUtterance utterance);

        /** Appends one frame's mono PCM16LE audio. */
        void appendAudio(long seq, byte[] monoPcm);

        /** The audio appended so far, in sequence order; then forgets it and the open utterance. */
        byte[] takeAudioAndClear();
    }

    /** Where finished utterances go, with the record timestamp of their last frame. */
    @FunctionalInterface
    public interface Output {
        void emit(Utterance utterance, long timestamp);
    }

    private final Config config;

    public UtteranceAssembly(Config config) {
        this.config = config;
    }

    /**
     * Adds an accepted frame to its stream's utterance, emitting what it closes (none, one, or two: the
     * interrupted or full utterance and then the one this frame ends).
     *
     * @param wallMs    the wall-clock time now, for the idle timeout
     * @param timestamp the frame's record timestamp
     */
    public void accept(Frame frame, long wallMs, long timestamp, StreamState state, Output output) {
        String stream = frame.stream();
        float[] mono = Pcm16.decode(frame.pcm(), frame.channels());

        OpenUtterance utterance = state.open();
        if (utterance != null && !utterance.isContinuedBy(frame)) {
            close(stream, utterance, ClosingReason.INTERRUPTED, state, output);
            utterance = null;
        }
        if (utterance != null && utterance.sampleCount() + mono.length > Config.samplesIn(config.maxUtterance(), utterance.sampleRate())) {
            close(stream, utterance, ClosingReason.MAX_LENGTH, state, output);
            utterance = OpenUtterance.startingWith(frame, utterance.part() + 1);
        }
        if (utterance == null) {
            utterance = OpenUtterance.startingWith(frame, 0);
        }

        state.appendAudio(frame.seq(), Pcm16.encode(mono));
        utterance = utterance.append(frame, mono.length, isSpeech(mono), wallMs, timestamp);

        if (frame.endOfUtterance()) {
            close(stream, utterance, ClosingReason.END_OF_UTTERANCE, state, output);
        } else if (endpointed(utterance)) {
            close(stream, utterance, ClosingReason.SILENCE, state, output);
        } else {
            state.putOpen(utterance);
        }
    }

    /** Closes the stream's open utterance if its last frame came at least the idle timeout before {@code nowMs}. */
    public void closeIfIdle(String stream, long nowMs, StreamState state, Output output) {
        OpenUtterance utterance = state.open();
        if (utterance != null && nowMs - utterance.lastFrameWallMs() >= config.idleTimeout().toMillis()) {
            close(stream, utterance, ClosingReason.IDLE_TIMEOUT, state, output);
        }
    }

    /** Speech was heard and has been followed by at least the configured silence (never, if endpointing is off). */
    private boolean endpointed(OpenUtterance utterance) {
        return !config.endpointSilence().isZero() && utterance.heardSpeech()
                && utterance.trailingSilenceSamples() >= Config.samplesIn(config.endpointSilence(), utterance.sampleRate());
    }

    /** Whether the frame's RMS level reaches the speech threshold. */
    private boolean isSpeech(float[] samples) {
        double sumOfSquares = 0;
        for (float s : samples) {
            sumOfSquares += s * s;
        }
        double rms = Math.sqrt(sumOfSquares / samples.length);
        return 20 * Math.log10(rms) >= config.speechThresholdDbfs();
    }

    private static void close(String stream, OpenUtterance utterance, ClosingReason reason, StreamState state, Output output) {
        byte[] pcm = state.takeAudioAndClear();
        output.emit(utterance.toUtterance(stream, pcm, reason), utterance.lastTimestamp());
    }
}
