package io.ttastream.asr.audio;

/**
 * Band-limited resampling by a rational factor with a Hann-windowed sinc filter, the method and
 * defaults of torchaudio.functional.resample (6 zero crossings, roll-off 0.99 of the lower Nyquist).
 */
public final class Resampler {
    private static final int ZERO_CROSSINGS = 6;
    private static final double ROLLOFF = 0.99;

    private Resampler() {
    }

    public static float[] resample(float[] x, int fromRate, int toRate) {
        if (fromRate <= 0 || toRate <= 0) {
            throw new IllegalArgumentException("sample rates must be positive: " + fromRate + " -> " + toRate);
        }
        if (fromRate == toRate) {
            return x.clone();
        }
        int g = gcd(fromRate, toRate);
        int up = toRate / g, down = fromRate / g;
        double cutoff = Math.min(up, down) * ROLLOFF; // in units of the common rate grid
        int width = (int) Math.ceil(ZERO_CROSSINGS * down / cutoff);
        int outLength = (int) Math.ceil((double) x.length * up / down);
        // One filter per output phase: output j lands at input time j * down / up.
        double[][] kernels = new double[up][2 * width + down];
        for (int phase = 0; phase < up; phase++) {
            for (int k = 0; k < kernels[phase].length; k++) {
                double t = (k - width) / (double) down - phase / (double) up; // in input samples / down
                double tc = t * cutoff;
                double window = Math.abs(tc) <= ZERO_CROSSINGS
                        ? Math.pow(Math.cos(tc * Math.PI / ZERO_CROSSINGS / 2), 2) : 0;
                double sinc = tc == 0 ? 1 : Math.sin(Math.PI * tc) / (Math.PI * tc);
                kernels[phase][k] = sinc * window * cutoff / down;
            }
        }
        float[] y = new float[outLength];
        for (int j = 0; j < outLength; j++) {
            int phase = j % up;
            int base = (j / up) * down - width;
            double[] kernel = kernels[phase];
            double acc = 0;
            for (int k = 0; k < kernel.length; k++) {
                int i = base + k;
                if (i >= 0 && i < x.length) {
                    acc += kernel[k] * x[i];
                }
            }
            y[j] = (float) acc;
        }
        return y;
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }
}
