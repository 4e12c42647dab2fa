package io.ttastream.kernels.testing;

import io.ttastream.kernels.Backend;
import io.ttastream.kernels.Tensor;
import java.util.Random;

/** Random test tensors and closeness assertions. */
public final class TestTensors {
    private TestTensors() {
    }

    /** Standard normal values. */
    public static float[] gaussians(Random random, int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }

    /** A tensor of standard normal values. */
    public static Tensor gaussian(Backend backend, Random random, int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return backend.fromArray(gaussians(random, n), shape);
    }

    /** Asserts |expected - actual| <= atol + rtol * |expected| elementwise, naming the first failure. */
    public static void assertClose(float[] expected, float[] actual, double atol, double rtol, String what) {
        if (expected.length != actual.length) {
            throw new AssertionError(what + ": length " + actual.length + ", expected " + expected.length);
        }
        for (int i = 0; i < expected.length; i++) {
            if (!(Math.abs(expected[i] - actual[i]) <= atol + rtol * Math.abs(expected[i]))) {
                throw new AssertionError(what + ": element " + i + " is " + actual[i] + ", expected " + expected[i]);
            }
        }
    }
}
