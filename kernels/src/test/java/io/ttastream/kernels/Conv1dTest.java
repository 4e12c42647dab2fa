package io.ttastream.kernels;

import static io.ttastream.kernels.testing.TestTensors.assertClose;
import static io.ttastream.kernels.testing.TestTensors.gaussian;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ttastream.kernels.testing.GradientChecker;
import io.ttastream.kernels.testing.ReferenceOps;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Conv1dTest {
    private static final CpuBackend cpu = new CpuBackend(2);

    @AfterAll
    static void close() {
        cpu.close();
    }

    /** One convolution case; bias may be absent. */
    private record Case(int cin, int tin, int cout, int k, int stride, int padLeft, int padRight, int groups, boolean bias) {
        int tout() {
            return (tin + padLeft + padRight - k) / stride + 1;
        }
    }

    @ParameterizedTest(name = "cin {0} tin {1} cout {2} k {3} stride {4} pad {5}/{6} groups {7} bias {8}")
    @CsvSource({
        "1, 163, 4, 10, 5, 0, 0, 1, true",     // wav2vec2's first layer, shortened
        "6, 17, 4, 4, 1, 2, 1, 2, true",       // grouped, asymmetric "same" padding of an even kernel
        "5, 1, 3, 3, 2, 1, 1, 1, false",       // one input step, all padding around it
        "32, 21, 32, 8, 1, 4, 3, 16, true",    // positional-conv-like: 16 groups of 2 channels
        "7, 30, 9, 1, 3, 0, 0, 1, false",      // pointwise, strided
        "3, 40, 5, 3, 2, 0, 0, 1, true",       // wav2vec2's later layers, small
        "64, 1100, 3, 16, 1, 0, 0, 1, true",   // im2col longer than its buffer: done in chunks
        "64, 1026, 3, 16, 1, 8, 7, 1, true",   // the last chunk (2 steps) lies wholly in the right padding for the last taps
        "8, 5, 8, 16, 1, 8, 7, 2, false",      // input shorter than the padding: a short utterance in the positional conv
    })
    void forwardMatchesNaiveLoopsAndBackwardMatchesFiniteDifferences(int cin, int tin, int cout, int k, int stride,
                                                                      int padLeft, int padRight, int groups, boolean bias) {
        Case c = new Case(cin, tin, cout, k, stride, padLeft, padRight, groups, bias);
        Random random = new Random(cin * 1000L + tin);
        Tensor x = gaussian(cpu, random, cin, tin);
        Tensor w = gaussian(cpu, random, cout, cin / groups, k);
        Tensor b = bias ? gaussian(cpu, random, cout) : null;
        Tensor y = cpu.allocate(cout, c.tout());
        cpu.conv1d(y, x, w, b, stride, padLeft, padRight, groups);
        float[] expected = ReferenceOps.conv1d(x.toArray(), cin, tin, w.toArray(), cout, k, bias ? b.toArray() : null,
                stride, padLeft, padRight, groups);
        int terms = cin / groups * k;
        assertClose(expected, y.toArray(), 2e-6 * Math.sqrt(terms) + 1e-6, 1e-5, "conv1d");

        GradientChecker checker = new GradientChecker(cpu, 11).input("x", x).input("w", w).probes(25);
        if (bias) {
            checker.input("bias", b);
        }
        checker.check(y, () -> cpu.conv1d(y, x, w, b, stride, padLeft, padRight, groups),
                (dy, g) -> cpu.conv1dBackward(g[0], g[1], bias ? g[2] : null, dy, x, w, stride, padLeft, padRight, groups));
    }

    @Test
    void rejectsChannelsThatDoNotSplitIntoGroups() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cpu.conv1d(
                cpu.allocate(4, 5), cpu.allocate(6, 5), cpu.allocate(4, 2, 1), null, 1, 0, 0, 4));
        assertTrue(e.getMessage().startsWith("conv1d:"), e.getMessage());
    }
}
