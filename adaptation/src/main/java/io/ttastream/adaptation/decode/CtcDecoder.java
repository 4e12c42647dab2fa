package io.ttastream.adaptation.decode;

/** Turns a CTC model's logits into a transcript. */
public interface CtcDecoder {
    /** The transcript of logits, row-major [frames, vocabulary size]: words separated by single spaces. */
    String decode(float[] logits);
}
