package io.ttastream.adaptation.strategy;

/**
 * A way of transcribing a stream of utterances with (or without) test-time adaptation. Strategies
 * see utterances in stream order; a continual strategy carries what it learned to the next one.
 */
public interface Strategy {
    /** The transcript of one utterance and what adaptation did for it. */
    record Outcome(String text, double lossBefore, double lossAfter, double entropyBefore, double entropyAfter,
                   boolean nonFinite) {
    }

    String name();

    /** Transcribes one utterance of normalised 16 kHz samples. */
    Outcome process(float[] inputValues);
}
