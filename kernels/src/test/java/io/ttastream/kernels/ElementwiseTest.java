package io.ttastream.kernels;

import static io.ttastream.kernels.testing.TestTensors.gaussians;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class ElementwiseTest {
    private static final CpuBackend cpu = new CpuBackend(2);
    /** Long enough to be split across threads, and not a multiple of any vector width. */
    private static final int N = 100_003;

    @AfterAll
    static void close() {
        cpu.close();
    }

    @Test
    void addMulScaleAndAxpyMatchScalarArithmeticAndAllowAliasing() {
        Random random = new Random(1);
        float[] a = gaussians(random, N), b = gaussians(random, N);
        Tensor ta = cpu.fromArray(a, N), tb = cpu.fromArray(b, N), out = cpu.allocate(N);
        cpu.add(out, ta, tb);
        float[] sum = out.toArray();
        cpu.mul(out, ta, tb);
        float[] product = out.toArray();
        cpu.scale(out, ta, -3f);
        float[] scaled = out.toArray();
        for (int i = 0; i < N; i++) {
            assertEquals(a[i] + b[i], sum[i]);
            assertEquals(a[i] * b[i], product[i]);
            assertEquals(-3f * a[i], scaled[i]);
        }
        cpu.axpy(ta, 0.5f, tb);
        cpu.mul(ta, ta, ta); // out aliases both inputs
        float[] aliased = ta.toArray();
        for (int i = 0; i < N; i++) {
            float y = a[i] + 0.5f * b[i];
            assertEquals(y * y, aliased[i], 1e-6f * (1 + y * y));
        }
    }

    @Test
    void sumsAreAccurateOverLongTensors() {
        Random random = new Random(2);
        float[] x = gaussians(random, N);
        double sum = 0, squares = 0;
        for (float v : x) {
            sum += v;
            squares += (double) v * v;
        }
        Tensor t = cpu.fromArray(x, N);
        assertEquals(sum, cpu.sum(t), 1e-4);
        assertEquals(squares, cpu.sumOfSquares(t), 1e-6 * squares);
        // A large offset defeats a running float sum (its error reaches ~1e-3 here); blocked
        // summation into a double stays within ~1e-6.
        float[] offset = new float[N];
        Arrays.fill(offset, 1000.1f);
        assertEquals(N * (double) 1000.1f, cpu.sum(cpu.fromArray(offset, N)), 1e-5 * N * 1000);
    }

    @Test
    void allFiniteFindsNaNAndInfinityAnywhere() {
        float[] x = new float[N];
        Tensor t = cpu.fromArray(x, N);
        assertTrue(cpu.allFinite(t));
        for (int at : new int[] {0, 50_000, N - 1}) {
            for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
                x[at] = bad;
                t.copyFrom(x);
                assertFalse(cpu.allFinite(t), bad + " at " + at);
                x[at] = 0f;
            }
        }
        x[7] = Float.MAX_VALUE;
        x[8] = Float.MAX_VALUE;
        t.copyFrom(x);
        assertTrue(cpu.allFinite(t), "large finite values are finite");
    }

    @Test
    void copyReshapesAndFillOverwrites() {
        Tensor src = cpu.fromArray(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor dst = cpu.allocate(3, 2);
        cpu.copy(dst, src);
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, dst.toArray());
        cpu.fill(dst, 7f);
        assertArrayEquals(new float[] {7, 7, 7, 7, 7, 7}, dst.toArray());
        assertEquals(0f, cpu.sum(cpu.allocate(4, 5)));
    }

    @Test
    void misuseFailsWithTheOpsName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> cpu.fromArray(new float[5], 2, 3));
        assertTrue(e.getMessage().startsWith("fromArray:"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> cpu.add(cpu.allocate(3), cpu.allocate(3), cpu.allocate(4)));
        assertTrue(e.getMessage().startsWith("add:"), e.getMessage());
        Tensor foreign = new Tensor(3) {
            @Override
            public float[] toArray() {
                return new float[3];
            }

            @Override
            public void copyFrom(float[] values) {
            }
        };
        e = assertThrows(IllegalArgumentException.class, () -> cpu.scale(foreign, cpu.allocate(3), 1f));
        assertTrue(e.getMessage().startsWith("scale:"), e.getMessage());
    }
}
