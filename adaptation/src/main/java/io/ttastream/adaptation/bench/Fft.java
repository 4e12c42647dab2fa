package io.ttastream.adaptation.bench;

/**
 * An in-place iterative radix-2 FFT and the linear convolution built on it. Reverberation
 * convolves seconds of speech with up to two seconds of impulse response, which is billions of
 * multiply-adds done directly and a few FFTs of 2^19 points this way.
 */
final class Fft {

    private Fft() {
    }

    /** Transforms (re, im) in place; the length must be a power of two. Inverse includes the 1/n. */
    static void transform(double[] re, double[] im, boolean inverse) {
        int n = re.length;
        if (Integer.bitCount(n) != 1 || im.length != n) {
            throw new IllegalArgumentException("FFT length must be a power of two, got " + n);
        }
        // Bit-reversal permutation, so the butterflies below can work on neighbouring blocks.
        for (int i = 1, j = 0; i < n; i++) {
            int bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1) j ^= bit;
            j ^= bit;
            if (i < j) {
                double t = re[i]; re[i] = re[j]; re[j] = t;
                t = im[i]; im[i] = im[j]; im[j] = t;
            }
        }
        for (int size = 2; size <= n; size <<= 1) {
            double angle = (inverse ? 2 : -2) * Math.PI / size;
            int half = size / 2;
            for (int k = 0; k < half; k++) {
                // One twiddle per k, computed directly (not by recurrence) to keep rounding small.
                double wRe = Math.cos(angle * k);
                double wIm = Math.sin(angle * k);
                for (int start = 0; start < n; start += size) {
                    int a = start + k;
                    int b = a + half;
                    double bRe = re[b] * wRe - im[b] * wIm;
                    double bIm = re[b] * wIm + im[b] * wRe;
                    re[b] = re[a] - bRe;
                    im[b] = im[a] - bIm;
                    re[a] += bRe;
                    im[a] += bIm;
                }
            }
        }
        if (inverse) {
            for (int i = 0; i < n; i++) {
                re[i] /= n;
                im[i] /= n;
            }
        }
    }

    /** The full linear convolution of x and h, x.length + h.length - 1 samples. */
    static double[] convolve(float[] x, float[] h) {
        int outLength = x.length + h.length - 1;
        int n = Integer.highestOneBit(Math.max(1, outLength - 1)) << 1;
        double[] xRe = new double[n], xIm = new double[n];
        double[] hRe = new double[n], hIm = new double[n];
        for (int i = 0; i < x.length; i++) xRe[i] = x[i];
        for (int i = 0; i < h.length; i++) hRe[i] = h[i];
        transform(xRe, xIm, false);
        transform(hRe, hIm, false);
        for (int i = 0; i < n; i++) {
            double re = xRe[i] * hRe[i] - xIm[i] * hIm[i];
            xIm[i] = xRe[i] * hIm[i] + xIm[i] * hRe[i];
            xRe[i] = re;
        }
        transform(xRe, xIm, true);
        return java.util.Arrays.copyOf(xRe, outLength);
    }
}
