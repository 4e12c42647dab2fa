package io.ttastream.kernels;

import static io.ttastream.kernels.testing.TestTensors.gaussian;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ttastream.kernels.testing.GradientChecker;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The checker other modules rely on must reject the backward bugs it claims to catch. */
class GradientCheckerTest {
    private static final CpuBackend cpu = new CpuBackend(1);
    private final Random random = new Random(51);
    private final Tensor x = gaussian(cpu, random, 4, 5);
    private final Tensor y = cpu.allocate(4, 5);

    @AfterAll
    static void close() {
        cpu.close();
    }

    private void checkGelu(GradientChecker.Backward backward) {
        new GradientChecker(cpu, 52).input("x", x).check(y, () -> cpu.gelu(y, x), backward);
    }

    @Test
    void acceptsACorrectBackward() {
        checkGelu((dy, g) -> cpu.geluBackward(g[0], dy, x));
    }

    @Test
    void rejectsAWrongGradient() {
        AssertionError e = assertThrows(AssertionError.class, () -> checkGelu((dy, g) -> {
            cpu.geluBackward(g[0], dy, x);
            cpu.geluBackward(g[0], dy, x); // twice the true gradient
        }));
        assertTrue(e.getMessage().contains("dx["), e.getMessage());
    }

    @Test
    void rejectsABackwardThatOverwritesInsteadOfAdding() {
        assertThrows(AssertionError.class, () -> checkGelu((dy, g) -> {
            cpu.fill(g[0], 0f);
            cpu.geluBackward(g[0], dy, x);
        }));
    }

    @Test
    void rejectsABackwardThatDependsOnWhichOtherGradientsWereRequested() {
        Tensor w = gaussian(cpu, random, 3, 5), out = cpu.allocate(4, 3);
        AssertionError e = assertThrows(AssertionError.class, () -> new GradientChecker(cpu, 53)
                .input("x", x).input("w", w)
                .check(out, () -> cpu.linear(out, x, w, null), (dy, g) -> {
                    cpu.linearBackward(g[0], g[1], null, dy, x, w);
                    if (g[1] == null && g[0] != null) {
                        cpu.linearBackward(g[0], null, null, dy, x, w); // wrong only when dw is not wanted
                    }
                }));
        assertTrue(e.getMessage().contains("alone"), e.getMessage());
    }
}
