package io.ttastream.asr.audio;

/**
 * The wav2vec2 front end of Hugging Face's {@code Wav2Vec2FeatureExtractor} with
 * {@code do_normalize=True}: the model reads raw 16 kHz samples, each utterance scaled to zero
 * mean and unit variance.
 */
public final class FeatureExtractor {

    /** The sample rate every wav2vec2 checkpoint expects. */
    public static final int SAMPLE_RATE = 16_000;
    /** Added to the variance so that silence does not divide by zero (transformers' value). */
    public static final double VARIANCE_EPSILON = 1e-7;

    private FeatureExtractor() {
    }

    /** (x - mean) / sqrt(var + 1e-7), with the population variance; a new array. */
    public static float[] normalize(float[] x) {
        if (x.length == 0) {
            return new float[0];
        }
        double sum = 0;
        for (float v : x) {
            sum += v;
        }
        double mean = sum / x.length;
        double squares = 0;
        for (float v : x) {
            squares += (v - mean) * (v - mean);
        }
        double scale = 1.0 / Math.sqrt(squares / x.length + VARIANCE_EPSILON);
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = (float) ((x[i] - mean) * scale);
        }
        return y;
    }
}
