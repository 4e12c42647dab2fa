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
 *
 * <p>An utterance takes the producer's utterance id; a later part of the same producer utterance (split at the
 * maximum length, or frames with its id after silence or the idle timeout closed it) gets {@code id#k}, so no
 * two utterances of a stream share an id. Only the last closed utterance is remembered: a producer that returns
 * to an older id after sending another gets that id again.
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

        /** The stream's most recently closed utterance (its audio is gone), or null before the first. */
        OpenUtterance lastClosed();

        void putLastClosed(OpenUtterance utterance);
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
            utterance = OpenUtterance.startingWith(frame, nextPart(frame, state.lastClosed()));
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

    /**
     * 0 for a new utterance; the next part number when the frame carries the producer id of the utterance closed
     * just before (by silence, idle timeout or a repeated end-of-utterance flag), so that its id stays unique.
     */
    private static int nextPart(Frame frame, OpenUtterance lastClosed) {
        boolean sameProducerUtterance = frame.utteranceId() != null && lastClosed != null
                && frame.utteranceId().equals(lastClosed.requestedId());
        return sameProducerUtterance ? lastClosed.part() + 1 : 0;
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
        state.putLastClosed(utterance);
        output.emit(utterance.toUtterance(stream, pcm, reason), utterance.lastTimestamp());
    }
}
