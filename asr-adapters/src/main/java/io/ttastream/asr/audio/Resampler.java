package io.ttastream.asr.audio;

import java.util.Arrays;

/**
 * Band-limited resampling by a windowed-sinc filter, the algorithm of torchaudio's
 * {@code functional.resample} with its defaults (Hann window, lowpass_filter_width 6,
 * rolloff 0.99).
 *
 * <p>With g = gcd(from, to), the ratio reduces to {@code to / g} output samples per
 * {@code from / g} input samples, so the filter needs only {@code to / g} phases, each a short
 * kernel, and every output sample is exact for the rational ratio (no drift over long audio).
 * The lowpass cutoff is {@code rolloff} times the lower of the two Nyquist frequencies, so content
 * the new rate cannot represent is removed before it can alias.
 */
public final class Resampler {

    /** Zero crossings of the sinc on each side of the centre: sharper cutoff, longer kernel. */
    public static final int LOWPASS_FILTER_WIDTH = 6;
    /** Cutoff as a fraction of the lower Nyquist frequency, leaving room for the filter's roll-off. */
    public static final double ROLLOFF = 0.99;

    private Resampler() {
    }

    /**
     * Resamples {@code x} from {@code fromRate} to {@code toRate} Hz. The result has
     * ceil(n * toRate / fromRate) samples; the same rate returns a copy.
     */
    public static float[] resample(float[] x, int fromRate, int toRate) {
        if (fromRate <= 0 || toRate <= 0) {
            throw new IllegalArgumentException("sample rates must be positive, got " + fromRate + " -> " + toRate);
        }
        if (fromRate == toRate) {
            return x.clone();
        }
        int gcd = gcd(fromRate, toRate);
        int inStep = fromRate / gcd;   // input samples per block
        int phases = toRate / gcd;     // output samples per block
        double cutoff = Math.min(inStep, phases) * ROLLOFF; // in cycles per block
        int width = (int) Math.ceil(LOWPASS_FILTER_WIDTH * inStep / cutoff);
        Kernel[] kernels = kernels(inStep, phases, cutoff, width);

        int outLength = (int) ((x.length * (long) phases + inStep - 1) / inStep);
        float[] y = new float[outLength];
        for (int out = 0; out < outLength; out++) {
            Kernel kernel = kernels[out % phases];
            int first = (out / phases) * inStep - width + kernel.start; // input index under weights[0]
            int kStart = Math.max(0, -first);
            int kEnd = Math.min(kernel.weights.length, x.length - first); // x is zero outside its bounds
            double acc = 0;
            for (int k = kStart; k < kEnd; k++) {
                acc += kernel.weights[k] * x[first + k];
            }
            y[out] = (float) acc;
        }
        return y;
    }

    /** The non-zero taps of one phase's filter; tap 0 of the full filter is {@code start} taps earlier. */
    private record Kernel(int start, float[] weights) {
    }

    /**
     * The filter of output phase p, sampled at the input positions around it: tap k of
     * 2 * width + inStep sits (k - width) / inStep - p / phases blocks from the output sample.
     * The window is zero past the filter width, so only the taps inside it are kept.
     */
    private static Kernel[] kernels(int inStep, int phases, double cutoff, int width) {
        int taps = 2 * width + inStep;
        double scale = cutoff / inStep; // unit gain at DC
        Kernel[] kernels = new Kernel[phases];
        for (int p = 0; p < phases; p++) {
            float[] full = new float[taps];
            int firstNonZero = taps;
            int lastNonZero = -1;
            for (int k = 0; k < taps; k++) {
                double t = ((double) (k - width) / inStep - (double) p / phases) * cutoff;
                if (Math.abs(t) >= LOWPASS_FILTER_WIDTH) {
                    continue; // outside the window, whose value there is zero
                }
                double window = Math.cos(t * Math.PI / LOWPASS_FILTER_WIDTH / 2);
                double sinc = t == 0 ? 1 : Math.sin(Math.PI * t) / (Math.PI * t);
                full[k] = (float) (sinc * window * window * scale);
                firstNonZero = Math.min(firstNonZero, k);
                lastNonZero = k;
            }
            int start = Math.min(firstNonZero, lastNonZero + 1);
            kernels[p] = new Kernel(start, Arrays.copyOfRange(full, start, lastNonZero + 1));
        }
        return kernels;
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }
}
