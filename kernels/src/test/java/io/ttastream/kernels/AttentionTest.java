package io.ttastream.kernels;

import static io.ttastream.kernels.testing.TestTensors.assertClose;
import static io.ttastream.kernels.testing.TestTensors.gaussian;

import io.ttastream.kernels.testing.GradientChecker;
import io.ttastream.kernels.testing.ReferenceOps;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AttentionTest {
    private static final CpuBackend cpu = new CpuBackend(2);

    @AfterAll
    static void close() {
        cpu.close();
    }

    @ParameterizedTest(name = "T {0} heads {1} D {2}")
    @CsvSource({"7, 3, 5", "19, 2, 16", "1, 2, 3", "300, 1, 64"})
    void attentionMatchesNaiveLoopsAndFiniteDifferences(int t, int heads, int d) {
        Random random = new Random(t * 100L + heads * 10L + d);
        int width = heads * d;
        Tensor q = gaussian(cpu, random, t, width), k = gaussian(cpu, random, t, width), v = gaussian(cpu, random, t, width);
        Tensor out = cpu.allocate(t, width), probs = cpu.allocate(heads, t, t);
        cpu.attention(out, probs, q, k, v, heads);
        float[][] expected = ReferenceOps.attention(q.toArray(), k.toArray(), v.toArray(), t, heads);
        assertClose(expected[0], out.toArray(), 2e-6, 1e-5, "out");
        assertClose(expected[1], probs.toArray(), 1e-7, 1e-5, "probs");

        new GradientChecker(cpu, 41).input("q", q).input("k", k).input("v", v).probes(30).check(out,
                () -> cpu.attention(out, probs, q, k, v, heads),
                (dout, g) -> cpu.attentionBackward(g[0], g[1], g[2], dout, q, k, v, probs, heads));
    }
}
