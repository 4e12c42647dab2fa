package io.ttastream.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vectorised building blocks shared by the CPU ops: reductions over a run of an array (summed
 * in float vectors, flushed to a double every {@link #FLUSH} elements so long runs stay
 * accurate) and the error function.
 */
final class VectorMath {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** Elements summed in float lanes before the partial sum moves to a double. */
    private static final int FLUSH = 256;

    private VectorMath() {
    }

    /** P(t) of {@link #erf}, highest power first, after the leading 0.17087277. */
    private static final float[] ERFC_COEFFICIENTS = {
        -0.82215223f, 1.48851587f, -1.13520398f, 0.27886807f, -0.18628806f,
        0.09678418f, 0.37409196f, 1.00002368f, -1.26551223f,
    };

    /** Sum of a[off .. off + n). */
    static double sum(float[] a, int off, int n) {
        double total = 0;
        for (int start = 0; start < n; start += FLUSH) {
            int end = Math.min(n, start + FLUSH);
            FloatVector acc = FloatVector.zero(S);
            int i = start;
            for (; i <= end - L; i += L) {
                acc = acc.add(FloatVector.fromArray(S, a, off + i));
            }
            double partial = acc.reduceLanes(VectorOperators.ADD);
            for (; i < end; i++) {
                partial += a[off + i];
            }
            total += partial;
        }
        return total;
    }

    /** Dot product of a[aOff ..] and b[bOff ..] over n elements. */
    static double dot(float[] a, int aOff, float[] b, int bOff, int n) {
        double total = 0;
        for (int start = 0; start < n; start += FLUSH) {
            int end = Math.min(n, start + FLUSH);
            FloatVector acc = FloatVector.zero(S);
            int i = start;
            for (; i <= end - L; i += L) {
                acc = FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), acc);
            }
            double partial = acc.reduceLanes(VectorOperators.ADD);
            for (; i < end; i++) {
                partial += (double) a[aOff + i] * b[bOff + i];
            }
            total += partial;
        }
        return total;
    }

    /** Sum of (a[i] - center)^2 over a[off .. off + n): the second pass of a two-pass variance. */
    static double sumSquaredDeviations(float[] a, int off, int n, float center) {
        double total = 0;
        FloatVector c = FloatVector.broadcast(S, center);
        for (int start = 0; start < n; start += FLUSH) {
            int end = Math.min(n, start + FLUSH);
            FloatVector acc = FloatVector.zero(S);
            int i = start;
            for (; i <= end - L; i += L) {
                FloatVector d = FloatVector.fromArray(S, a, off + i).sub(c);
                acc = d.fma(d, acc);
            }
            double partial = acc.reduceLanes(VectorOperators.ADD);
            for (; i < end; i++) {
                double d = a[off + i] - center;
                partial += d * d;
            }
            total += partial;
        }
        return total;
    }

    /** Largest of a[off .. off + n), n >= 1. */
    static float max(float[] a, int off, int n) {
        FloatVector acc = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        int i = 0;
        for (; i <= n - L; i += L) {
            acc = acc.max(FloatVector.fromArray(S, a, off + i));
        }
        float max = acc.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) {
            max = Math.max(max, a[off + i]);
        }
        return max;
    }

    /**
     * erf(x) per lane, from the Chebyshev-fitted erfc of Press et al. (Numerical Recipes,
     * "erfcc"): erfc(z) = t exp(-z^2 + P(t)), t = 1 / (1 + z/2), z = |x|, with relative error
     * below 1.2e-7 for every z >= 0; so erf = 1 - erfc has absolute error near 1e-7 plus float
     * rounding, and erf(-x) = -erf(x).
     */
    static FloatVector erf(FloatVector x) {
        FloatVector z = x.abs();
        FloatVector t = FloatVector.broadcast(S, 1f).div(z.fma(FloatVector.broadcast(S, 0.5f), FloatVector.broadcast(S, 1f)));
        FloatVector poly = FloatVector.broadcast(S, 0.17087277f);
        for (float coefficient : ERFC_COEFFICIENTS) {
            poly = poly.fma(t, FloatVector.broadcast(S, coefficient));
        }
        FloatVector erfc = t.mul(z.mul(z).neg().add(poly).lanewise(VectorOperators.EXP));
        FloatVector erfOfZ = erfc.neg().add(1f);
        return erfOfZ.blend(erfOfZ.neg(), x.lt(0f));
    }
}
