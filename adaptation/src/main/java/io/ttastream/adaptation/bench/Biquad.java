package io.ttastream.adaptation.bench;

/**
 * A second-order IIR section with the coefficients of R. Bristow-Johnson's "Audio EQ Cookbook",
 * run in transposed direct form II in double precision.
 */
final class Biquad {
    private final double b0, b1, b2, a1, a2; // normalised by a0

    private Biquad(double b0, double b1, double b2, double a0, double a1, double a2) {
        this.b0 = b0 / a0;
        this.b1 = b1 / a0;
        this.b2 = b2 / a0;
        this.a1 = a1 / a0;
        this.a2 = a2 / a0;
    }

    static Biquad lowPass(double cutoffHz, double q, int sampleRate) {
        double w = 2 * Math.PI * cutoffHz / sampleRate;
        double cos = Math.cos(w);
        double alpha = Math.sin(w) / (2 * q);
        return new Biquad((1 - cos) / 2, 1 - cos, (1 - cos) / 2, 1 + alpha, -2 * cos, 1 - alpha);
    }

    static Biquad highPass(double cutoffHz, double q, int sampleRate) {
        double w = 2 * Math.PI * cutoffHz / sampleRate;
        double cos = Math.cos(w);
        double alpha = Math.sin(w) / (2 * q);
        return new Biquad((1 + cos) / 2, -(1 + cos), (1 + cos) / 2, 1 + alpha, -2 * cos, 1 - alpha);
    }

    /** Filters x in place, starting from silence. */
    void filter(float[] x) {
        double s1 = 0, s2 = 0;
        for (int i = 0; i < x.length; i++) {
            double in = x[i];
            double out = b0 * in + s1;
            s1 = b1 * in - a1 * out + s2;
            s2 = b2 * in - a2 * out;
            x[i] = (float) out;
        }
    }
}
