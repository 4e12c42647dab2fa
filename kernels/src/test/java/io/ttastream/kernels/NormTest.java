package io.ttastream.kernels;

import static io.ttastream.kernels.testing.TestTensors.assertClose;
import static io.ttastream.kernels.testing.TestTensors.gaussian;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ttastream.kernels.testing.GradientChecker;
import io.ttastream.kernels.testing.ReferenceOps;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NormTest {
    private static final CpuBackend cpu = new CpuBackend(2);
    private static final float EPS = 1e-5f;

    @AfterAll
    static void close() {
        cpu.close();
    }

    @ParameterizedTest(name = "rows {0} channels {1}")
    @CsvSource({"5, 37", "1, 8", "3, 1", "40, 768"})
    void layerNormMatchesNaiveLoopsAndFiniteDifferences(int rows, int c) {
        Random random = new Random(rows * 100L + c);
        Tensor x = gaussian(cpu, random, rows, c), gamma = gaussian(cpu, random, c), beta = gaussian(cpu, random, c);
        Tensor y = cpu.allocate(rows, c), mean = cpu.allocate(rows), rstd = cpu.allocate(rows);
        cpu.layerNorm(y, mean, rstd, x, gamma, beta, EPS);
        assertClose(ReferenceOps.layerNorm(x.toArray(), rows, c, gamma.toArray(), beta.toArray(), EPS),
                y.toArray(), 1e-5, 1e-5, "layerNorm");
        float[] xs = x.toArray();
        double rowMean = 0;
        for (int i = 0; i < c; i++) {
            rowMean += xs[i];
        }
        assertEquals(rowMean / c, mean.toArray()[0], 1e-6, "saved mean of row 0");

        new GradientChecker(cpu, 21).input("x", x).input("gamma", gamma).input("beta", beta).check(y,
                () -> cpu.layerNorm(y, mean, rstd, x, gamma, beta, EPS),
                (dy, g) -> cpu.layerNormBackward(g[0], g[1], g[2], dy, x, mean, rstd, gamma));
    }

    @Test
    void addLayerNormIsTheSumThenLayerNormAndItsBackwardReachesBothAddends() {
        Random random = new Random(28);
        int rows = 6, c = 19;
        Tensor a = gaussian(cpu, random, rows, c), b = gaussian(cpu, random, rows, c);
        Tensor gamma = gaussian(cpu, random, c), beta = gaussian(cpu, random, c);
        Tensor sum = cpu.allocate(rows, c), y = cpu.allocate(rows, c), mean = cpu.allocate(rows), rstd = cpu.allocate(rows);
        cpu.addLayerNorm(sum, y, mean, rstd, a, b, gamma, beta, EPS);
        float[] expectedSum = a.toArray(), bs = b.toArray();
        for (int i = 0; i < expectedSum.length; i++) {
            expectedSum[i] += bs[i];
        }
        assertClose(expectedSum, sum.toArray(), 0, 0, "sum");
        assertClose(ReferenceOps.layerNorm(expectedSum, rows, c, gamma.toArray(), beta.toArray(), EPS), y.toArray(),
                1e-5, 1e-5, "layer norm of the sum");
        // In place of a, as the encoder layers call it.
        Tensor aCopy = cpu.fromArray(a.toArray(), rows, c), yInPlace = cpu.allocate(rows, c);
        cpu.addLayerNorm(aCopy, yInPlace, mean, rstd, aCopy, b, gamma, beta, EPS);
        assertClose(y.toArray(), yInPlace.toArray(), 0, 0, "sum written over a");

        new GradientChecker(cpu, 29).input("a", a).input("b", b).input("gamma", gamma).input("beta", beta).check(y,
                () -> cpu.addLayerNorm(sum, y, mean, rstd, a, b, gamma, beta, EPS),
                (dy, g) -> {
                    Tensor dSum = cpu.allocate(rows, c);
                    cpu.layerNormBackward(dSum, g[2], g[3], dy, sum, mean, rstd, gamma);
                    for (Tensor addend : new Tensor[] {g[0], g[1]}) {
                        if (addend != null) {
                            cpu.add(addend, addend, dSum);
                        }
                    }
                });
    }

    @ParameterizedTest(name = "channels {0} steps {1}")
    @CsvSource({"5, 37", "37, 5", "1, 8", "128, 300"})
    void channelMajorLayerNormIsLayerNormOfTheTransposeAndMatchesFiniteDifferences(int c, int steps) {
        Random random = new Random(c * 1000L + steps);
        Tensor x = gaussian(cpu, random, c, steps), gamma = gaussian(cpu, random, c), beta = gaussian(cpu, random, c);
        Tensor y = cpu.allocate(c, steps), mean = cpu.allocate(steps), rstd = cpu.allocate(steps);
        cpu.layerNormChannelMajor(y, mean, rstd, x, gamma, beta, EPS);
        float[] timeMajor = transpose(x.toArray(), c, steps);
        float[] expected = ReferenceOps.layerNorm(timeMajor, steps, c, gamma.toArray(), beta.toArray(), EPS);
        assertClose(transpose(expected, steps, c), y.toArray(), 1e-5, 1e-5, "layerNormChannelMajor");
        double stepMean = 0;
        for (int ch = 0; ch < c; ch++) {
            stepMean += timeMajor[(steps - 1) * c + ch];
        }
        assertEquals(stepMean / c, mean.toArray()[steps - 1], 1e-5, "saved mean of the last step");

        new GradientChecker(cpu, 27).input("x", x).input("gamma", gamma).input("beta", beta).check(y,
                () -> cpu.layerNormChannelMajor(y, mean, rstd, x, gamma, beta, EPS),
                (dy, g) -> cpu.layerNormChannelMajorBackward(g[0], g[1], g[2], dy, x, mean, rstd, gamma));
    }

    private static float[] transpose(float[] a, int rows, int cols) {
        float[] t = new float[a.length];
        for (int r = 0; r < rows; r++) {
            for (int col = 0; col < cols; col++) {
                t[col * rows + r] = a[r * cols + col];
            }
        }
        return t;
    }

    @ParameterizedTest(name = "channels {0} steps {1} groups {2}")
    @CsvSource({"6, 11, 3", "4, 9, 4", "5, 13, 1", "3, 1000, 3"})
    void groupNormMatchesNaiveLoopsAndFiniteDifferences(int channels, int steps, int groups) {
        Random random = new Random(channels * 100L + steps);
        Tensor x = gaussian(cpu, random, channels, steps);
        Tensor gamma = gaussian(cpu, random, channels), beta = gaussian(cpu, random, channels);
        Tensor y = cpu.allocate(channels, steps), mean = cpu.allocate(groups), rstd = cpu.allocate(groups);
        cpu.groupNorm(y, mean, rstd, x, groups, gamma, beta, EPS);
        assertClose(ReferenceOps.groupNorm(x.toArray(), channels, steps, groups, gamma.toArray(), beta.toArray(), EPS),
                y.toArray(), 1e-5, 1e-5, "groupNorm");

        new GradientChecker(cpu, 22).input("x", x).input("gamma", gamma).input("beta", beta).check(y,
                () -> cpu.groupNorm(y, mean, rstd, x, groups, gamma, beta, EPS),
                (dy, g) -> cpu.groupNormBackward(g[0], g[1], g[2], dy, x, groups, mean, rstd, gamma));
    }

    @Test
    void weightNormOverTheKernelDimensionIsTorchWeightNormDim2() {
        // wav2vec2's positional conv: v [Cout, Cin / groups, K], g [1, 1, K], one norm per kernel tap.
        Random random = new Random(23);
        int[] shape = {6, 3, 5};
        Tensor v = gaussian(cpu, random, shape), g = gaussian(cpu, random, 1, 1, 5);
        Tensor w = cpu.allocate(shape);
        cpu.weightNorm(w, g, v, 2);
        float[] ws = w.toArray(), gs = g.toArray();
        assertClose(ReferenceOps.weightNorm3d(v.toArray(), shape, gs, 2), ws, 1e-6, 1e-5, "weightNorm dim 2");
        // Each kernel tap's slice of w has norm |g[tap]|.
        for (int tap = 0; tap < 5; tap++) {
            double norm = 0;
            for (int i = 0; i < 18; i++) {
                norm += ws[i * 5 + tap] * ws[i * 5 + tap];
            }
            assertEquals(Math.abs(gs[tap]), Math.sqrt(norm), 1e-5, "norm of tap " + tap);
        }
        new GradientChecker(cpu, 24).input("g", g).input("v", v).check(w, () -> cpu.weightNorm(w, g, v, 2),
                (dw, grads) -> cpu.weightNormBackward(grads[0], grads[1], dw, g, v, 2));
    }

    @Test
    void weightNormOverTheFirstDimension() {
        Random random = new Random(25);
        int[] shape = {4, 3, 2};
        Tensor v = gaussian(cpu, random, shape), g = gaussian(cpu, random, 4, 1, 1);
        Tensor w = cpu.allocate(shape);
        cpu.weightNorm(w, g, v, 0);
        assertClose(ReferenceOps.weightNorm3d(v.toArray(), shape, g.toArray(), 0), w.toArray(), 1e-6, 1e-5, "dim 0");
        new GradientChecker(cpu, 26).input("g", g).input("v", v).check(w, () -> cpu.weightNorm(w, g, v, 0),
                (dw, grads) -> cpu.weightNormBackward(grads[0], grads[1], dw, g, v, 0));
    }
}
