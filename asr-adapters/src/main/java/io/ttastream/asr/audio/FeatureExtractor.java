package io.ttastream.asr.audio;

/** Hugging Face Wav2Vec2FeatureExtractor's input normalisation (do_normalize=True). */
public final class FeatureExtractor {
    private static final double VARIANCE_EPS = 1e-7;

    private FeatureExtractor() {
    }

    /** (x - mean) / sqrt(var + 1e-7), with the population variance, as transformers computes it. */
    public static float[] normalize(float[] x) {
        double mean = 0;
        for (float v : x) {
            mean += v;
        }
        mean /= Math.max(1, x.length);
        double variance = 0;
        for (float v : x) {
            variance += (v - mean) * (v - mean);
        }
        variance /= Math.max(1, x.length);
        double scale = 1 / Math.sqrt(variance + VARIANCE_EPS);
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = (float) ((x[i] - mean) * scale);
        }
        return y;
    }
}
