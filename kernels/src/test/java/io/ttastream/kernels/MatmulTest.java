package io.ttastream.kernels;

import static io.ttastream.kernels.testing.TestTensors.assertClose;
import static io.ttastream.kernels.testing.TestTensors.gaussian;
import static io.ttastream.kernels.testing.TestTensors.gaussians;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ttastream.kernels.testing.GradientChecker;
import io.ttastream.kernels.testing.ReferenceOps;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MatmulTest {
    private static final CpuBackend cpu = new CpuBackend(2);

    @AfterAll
    static void close() {
        cpu.close();
    }

    /** float32 products of k terms of size ~1 round to about 1e-7 * sqrt(k) each. */
    private static void assertProduct(float[] expected, float[] actual, int k, String what) {
        assertClose(expected, actual, 2e-6 * Math.sqrt(k) + 1e-6, 1e-5, what);
    }

    @ParameterizedTest(name = "{0}x{1}x{2}")
    @CsvSource({
        "1, 1, 1", "7, 13, 5", "37, 29, 19", "5, 16, 300", "67, 45, 513", "3, 4100, 5", "120, 70, 9",
    })
    void matmulMatchesNaiveLoopsForEveryTransposeCombination(int m, int n, int k) {
        Random random = new Random(m * 31L + n * 7L + k);
        for (boolean transA : new boolean[] {false, true}) {
            for (boolean transB : new boolean[] {false, true}) {
                float[] a = gaussians(random, m * k), b = gaussians(random, k * n);
                Tensor out = cpu.allocate(m, n);
                cpu.fill(out, 42f); // must be overwritten
                cpu.matmul(out, cpu.fromArray(a, transA ? new int[] {k, m} : new int[] {m, k}), transA,
                        cpu.fromArray(b, transB ? new int[] {n, k} : new int[] {k, n}), transB, false);
                assertProduct(ReferenceOps.matmul(a, transA, b, transB, m, n, k), out.toArray(), k,
                        "transA=" + transA + " transB=" + transB);
            }
        }
    }

    @Test
    void matmulAccumulatesOntoOut() {
        Random random = new Random(3);
        int m = 11, n = 19, k = 300;
        float[] a = gaussians(random, m * k), b = gaussians(random, k * n), start = gaussians(random, m * n);
        Tensor out = cpu.fromArray(start, m, n);
        cpu.matmul(out, cpu.fromArray(a, m, k), false, cpu.fromArray(b, k, n), false, true);
        float[] expected = ReferenceOps.matmul(a, false, b, false, m, n, k);
        for (int i = 0; i < expected.length; i++) {
            expected[i] += start[i];
        }
        assertProduct(expected, out.toArray(), k, "accumulated");
    }

    @Test
    void emptyInnerDimensionGivesZeros() {
        Tensor out = cpu.allocate(2, 3);
        cpu.fill(out, 5f);
        cpu.matmul(out, cpu.allocate(2, 0), false, cpu.allocate(0, 3), false, false);
        assertArrayEquals(new float[6], out.toArray());
    }

    @Test
    void resultsDoNotDependOnTheThreadCount() {
        Random random = new Random(4);
        int m = 203, n = 150, k = 400;
        float[] a = gaussians(random, m * k), b = gaussians(random, n * k);
        try (CpuBackend one = new CpuBackend(1); CpuBackend three = new CpuBackend(3)) {
            Tensor outOne = one.allocate(m, n), outThree = three.allocate(m, n);
            one.linear(outOne, one.fromArray(a, m, k), one.fromArray(b, n, k), null);
            three.linear(outThree, three.fromArray(a, m, k), three.fromArray(b, n, k), null);
            assertArrayEquals(outOne.toArray(), outThree.toArray());
        }
    }

    @Test
    void linearMatchesNaiveLoopsWithAndWithoutBias() {
        Random random = new Random(5);
        int rows = 9, in = 23, out = 17;
        float[] x = gaussians(random, rows * in), w = gaussians(random, out * in), bias = gaussians(random, out);
        float[] product = ReferenceOps.matmul(x, false, w, true, rows, out, in);
        Tensor y = cpu.allocate(rows, out);
        cpu.linear(y, cpu.fromArray(x, rows, in), cpu.fromArray(w, out, in), null);
        assertProduct(product, y.toArray(), in, "no bias");
        cpu.linear(y, cpu.fromArray(x, rows, in), cpu.fromArray(w, out, in), cpu.fromArray(bias, out));
        for (int i = 0; i < product.length; i++) {
            product[i] += bias[i % out];
        }
        assertProduct(product, y.toArray(), in, "with bias");
    }

    @Test
    void linearBackwardMatchesFiniteDifferences() {
        Random random = new Random(6);
        int rows = 6, in = 11, out = 9;
        Tensor x = gaussian(cpu, random, rows, in), w = gaussian(cpu, random, out, in), bias = gaussian(cpu, random, out);
        Tensor y = cpu.allocate(rows, out);
        new GradientChecker(cpu, 7).input("x", x).input("w", w).input("bias", bias).check(y,
                () -> cpu.linear(y, x, w, bias),
                (dy, g) -> cpu.linearBackward(g[0], g[1], g[2], dy, x, w));
    }

    @Test
    void transposeBackwardMatchesFiniteDifferences() {
        Random random = new Random(8);
        Tensor x = gaussian(cpu, random, 5, 37);
        Tensor y = cpu.allocate(37, 5);
        cpu.transpose(y, x);
        float[] xs = x.toArray(), ys = y.toArray();
        for (int r = 0; r < 5; r++) {
            for (int c = 0; c < 37; c++) {
                assertTrue(ys[c * 5 + r] == xs[r * 37 + c]);
            }
        }
        new GradientChecker(cpu, 9).input("x", x).check(y, () -> cpu.transpose(y, x),
                (dy, g) -> cpu.transposeBackward(g[0], dy));
    }

    @Test
    void shapeMismatchesNameTheOp() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> cpu.matmul(cpu.allocate(2, 2), cpu.allocate(2, 3), false, cpu.allocate(4, 2), false, false));
        assertTrue(e.getMessage().startsWith("matmul:"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> cpu.linear(cpu.allocate(2, 4), cpu.allocate(2, 3), cpu.allocate(5, 3), null));
        assertTrue(e.getMessage().startsWith("linear:"), e.getMessage());
    }
}
