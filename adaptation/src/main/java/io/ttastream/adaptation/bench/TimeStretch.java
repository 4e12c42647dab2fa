package io.ttastream.adaptation.bench;

/**
 * WSOLA time-stretching (waveform-similarity overlap-add, Verhelst and Roelands 1993): changes
 * duration, keeps pitch.
 *
 * <p>The output is built from Hann-windowed input frames laid down every {@link #HOP} samples
 * (50% overlap, where periodic Hann windows sum to one). Output frame k would naively come from
 * input position k * HOP / stretch; WSOLA moves it by up to {@link #TOLERANCE} samples to the
 * place whose waveform best matches the natural continuation of the previous frame, so that the
 * overlapping halves add in phase instead of beating. Quality: clean on tones and voiced speech
 * for stretches near 1 (the pitch shifts here use 0.89 to 1.12); transients can be doubled or
 * smeared by a frame (32 ms), and there is none of a phase vocoder's spectral smoothing.
 */
final class TimeStretch {

    /** Frame length: 32 ms at 16 kHz, a few pitch periods of speech. */
    static final int FRAME = 512;
    static final int HOP = FRAME / 2;
    /** Search radius: 8 ms, half of the longest pitch period (62 Hz) worth aligning. */
    static final int TOLERANCE = 128;

    private TimeStretch() {
    }

    /** Returns round(x.length * stretch) samples of x played {@code stretch} times longer. */
    static float[] stretch(float[] x, double stretch) {
        if (!(stretch > 0)) {
            throw new IllegalArgumentException("stretch must be positive, got " + stretch);
        }
        int outLength = (int) Math.round(x.length * stretch);
        double[] window = new double[FRAME];
        for (int i = 0; i < FRAME; i++) window[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / FRAME);
        double[] sum = new double[outLength + FRAME];
        double[] weight = new double[outLength + FRAME];
        int previous = 0;
        for (int k = 0; (long) k * HOP < outLength; k++) {
            int nominal = (int) Math.round(k * HOP / stretch);
            int position = k == 0 ? 0 : bestMatch(x, previous + HOP, nominal);
            for (int i = 0; i < FRAME; i++) {
                int at = position + i;
                double sample = at < x.length ? x[at] : 0;
                sum[k * HOP + i] += window[i] * sample;
                weight[k * HOP + i] += window[i];
            }
            previous = position;
        }
        float[] y = new float[outLength];
        for (int i = 0; i < outLength; i++) {
            // Only the first half-frame has weights below one; dividing undoes its fade-in.
            y[i] = (float) (sum[i] / Math.max(weight[i], 1e-3));
        }
        return y;
    }

    /** The input position within TOLERANCE of nominal whose frame correlates best with x[target..]. */
    private static int bestMatch(float[] x, int target, int nominal) {
        if (target >= x.length || nominal >= x.length) {
            return nominal; // past the end of the input: nothing to match, the frame reads zeros
        }
        int best = Math.max(0, nominal);
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int candidate = Math.max(0, nominal - TOLERANCE); candidate <= nominal + TOLERANCE; candidate++) {
            double score = 0;
            int length = Math.min(FRAME, Math.min(x.length - candidate, x.length - target));
            for (int i = 0; i < length; i++) score += (double) x[candidate + i] * x[target + i];
            if (score > bestScore) {
                bestScore = score;
                best = candidate;
            }
        }
        return best;
    }
}
