package io.ttastream.kernels;

import static io.ttastream.kernels.testing.TestTensors.assertClose;
import static io.ttastream.kernels.testing.TestTensors.gaussian;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ttastream.kernels.testing.GradientChecker;
import io.ttastream.kernels.testing.ReferenceOps;
import java.util.Random;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ActivationTest {
    private static final CpuBackend cpu = new CpuBackend(2);

    @AfterAll
    static void close() {
        cpu.close();
    }

    @Test
    void erfIsAccurateToAFewTenthsOfAMillionth() {
        int n = 24_000;
        float[] x = new float[n], erf = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = -6f + 12f * i / n;
        }
        for (int i = 0; i < n; i += VectorMath.L) {
            VectorMath.erf(FloatVector.fromArray(VectorMath.S, x, i)).intoArray(erf, i);
        }
        double worst = 0;
        for (int i = 0; i < n; i++) {
            worst = Math.max(worst, Math.abs(erf[i] - ReferenceOps.erf(x[i])));
        }
        // The approximation's own 1.2e-7 plus float32 rounding of its steps.
        assertTrue(worst < 2.5e-7, "max |erf error| = " + worst);
    }

    @Test
    void geluIsTheExactErfForm() {
        // 1001 values: not a multiple of the vector width, so the masked tail runs too.
        int n = 1001;
        float[] x = new float[n], expected = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = -8f + 16f * i / (n - 1);
            expected[i] = (float) ReferenceOps.gelu(x[i]);
        }
        Tensor y = cpu.allocate(n);
        cpu.gelu(y, cpu.fromArray(x, n));
        assertClose(expected, y.toArray(), 3e-7, 2e-6, "gelu");
        // Hugging Face's "gelu_new" tanh approximation differs from the exact form by up to 4.7e-4
        // on this grid (near |x| = 2.7); the result must be the exact one.
        float[] ys = y.toArray();
        double largestTanhGap = 0;
        for (int i = 0; i < n; i++) {
            double tanhForm = 0.5 * x[i] * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x[i] + 0.044715 * x[i] * x[i] * x[i])));
            largestTanhGap = Math.max(largestTanhGap, Math.abs(ys[i] - tanhForm));
        }
        assertTrue(largestTanhGap > 4e-4, "gelu must not be the tanh approximation");
    }

    @Test
    void geluBackwardMatchesFiniteDifferences() {
        Random random = new Random(31);
        Tensor x = gaussian(cpu, random, 3, 13);
        cpu.scale(x, x, 2f);
        Tensor y = cpu.allocate(3, 13);
        new GradientChecker(cpu, 32).input("x", x).probes(39).check(y, () -> cpu.gelu(y, x),
                (dy, g) -> cpu.geluBackward(g[0], dy, x));
    }

    @ParameterizedTest(name = "row length {0}")
    @ValueSource(ints = {1, 7, 33})
    void softmaxAndLogSoftmaxMatchNaiveLoopsAndFiniteDifferences(int c) {
        Random random = new Random(c);
        int rows = 4;
        Tensor x = gaussian(cpu, random, rows, c);
        cpu.scale(x, x, 3f);
        Tensor y = cpu.allocate(rows, c), logY = cpu.allocate(rows, c);
        cpu.softmax(y, x);
        cpu.logSoftmax(logY, x);
        assertClose(ReferenceOps.softmax(x.toArray(), c), y.toArray(), 1e-7, 1e-5, "softmax");
        assertClose(ReferenceOps.logSoftmax(x.toArray(), c), logY.toArray(), 1e-6, 1e-5, "logSoftmax");

        new GradientChecker(cpu, 33).input("x", x).check(y, () -> cpu.softmax(y, x),
                (dy, g) -> cpu.softmaxBackward(g[0], dy, y));
        new GradientChecker(cpu, 34).input("x", x).check(logY, () -> cpu.logSoftmax(logY, x),
                (dy, g) -> cpu.logSoftmaxBackward(g[0], dy, logY));
    }

    @Test
    void softmaxIsStableForLargeLogits() {
        float[] x = {1000f, 1001f, -1000f, 1000f, 1000f, 1000f, 1000f, 1000f, 1000f, 999f};
        Tensor y = cpu.allocate(1, 10), logY = cpu.allocate(1, 10);
        cpu.softmax(y, cpu.fromArray(x, 1, 10));
        cpu.logSoftmax(logY, cpu.fromArray(x, 1, 10));
        assertClose(ReferenceOps.softmax(x, 10), y.toArray(), 1e-7, 1e-5, "softmax");
        assertClose(ReferenceOps.logSoftmax(x, 10), logY.toArray(), 1e-5, 1e-6, "logSoftmax");
    }
}
