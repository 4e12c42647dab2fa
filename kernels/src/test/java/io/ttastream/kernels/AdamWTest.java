package io.ttastream.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class AdamWTest {
    private static final CpuBackend cpu = new CpuBackend(2);

    @AfterAll
    static void close() {
        cpu.close();
    }

    @Test
    void twoStepsFollowTorchAdamW() {
        // lr 0.1, betas (0.9, 0.999), eps 1e-8, weight decay 0.01. Element 0 has gradients
        // 0.5 then -0.25; element 1 has none, so only the decoupled decay moves it.
        // Step 1, element 0: p = 1 * (1 - 0.1 * 0.01) = 0.999; m = 0.05; v = 0.00025;
        //   m^ = 0.05 / 0.1 = 0.5; v^ = 0.00025 / 0.001 = 0.25; p = 0.999 - 0.1 * 0.5 / (0.5 + 1e-8) = 0.899000002.
        // Step 2: p = 0.899000002 * 0.999 = 0.898101002; m = 0.045 - 0.025 = 0.02;
        //   v = 0.00024975 + 0.0000625 = 0.00031225; m^ = 0.02 / 0.19; v^ = 0.00031225 / 0.001999;
        //   p = 0.898101002 - 0.1 * 0.1052632 / (0.3952254 + 1e-8) = 0.8714673.
        // Element 1: 2 * 0.999 = 1.998, then 1.996002 (L2-in-the-gradient Adam would move it by ~0.1).
        // Moments carry float32 rounding of 1 - beta (0.999f is not 0.999): tolerances 1e-7 and 1e-8.
        Tensor param = cpu.fromArray(new float[] {1f, 2f}, 2);
        Tensor m = cpu.allocate(2), v = cpu.allocate(2);
        cpu.adamW(param, cpu.fromArray(new float[] {0.5f, 0f}, 2), m, v, 0.1f, 0.9f, 0.999f, 1e-8f, 0.01f, 1);
        assertEquals(0.899000002f, param.toArray()[0], 1e-6);
        assertEquals(1.998f, param.toArray()[1], 1e-6);
        assertEquals(0.05f, m.toArray()[0], 1e-7);
        assertEquals(0.00025f, v.toArray()[0], 1e-8);

        cpu.adamW(param, cpu.fromArray(new float[] {-0.25f, 0f}, 2), m, v, 0.1f, 0.9f, 0.999f, 1e-8f, 0.01f, 2);
        assertEquals(0.8714673f, param.toArray()[0], 1e-6);
        assertEquals(1.996002f, param.toArray()[1], 1e-6);
        assertEquals(0.02f, m.toArray()[0], 1e-7);
        assertEquals(0.00031225f, v.toArray()[0], 1e-8);
    }

    @Test
    void everyElementOfALongTensorGetsTheSameUpdate() {
        // 37 elements: vector lanes and the masked tail must agree.
        int n = 37;
        float[] ones = new float[n], grads = new float[n];
        Arrays.fill(ones, 1f);
        Arrays.fill(grads, 0.5f);
        // Moments carry float32 rounding of 1 - beta (0.999f is not 0.999): tolerances 1e-7 and 1e-8.
        Tensor param = cpu.fromArray(ones, n);
        cpu.adamW(param, cpu.fromArray(grads, n), cpu.allocate(n), cpu.allocate(n), 0.1f, 0.9f, 0.999f, 1e-8f, 0.01f, 1);
        for (float p : param.toArray()) {
            assertEquals(0.899000002f, p, 1e-6);
        }
    }

    @Test
    void theMultiTensorStepUpdatesEachTensorWithItsOwnGradientAndChecksTheLists() {
        Tensor a = cpu.fromArray(new float[] {1f, 2f}, 2), b = cpu.fromArray(new float[] {1f}, 1);
        List<Tensor> m = List.of(cpu.allocate(2), cpu.allocate(1)), v = List.of(cpu.allocate(2), cpu.allocate(1));
        cpu.adamW(List.of(a, b), List.of(cpu.fromArray(new float[] {0.5f, 0f}, 2), cpu.fromArray(new float[] {0f}, 1)),
                m, v, 0.1f, 0.9f, 0.999f, 1e-8f, 0.01f, 1);
        // The values of twoStepsFollowTorchAdamW's first step: a gradient of 0.5 steps, none only decays.
        assertEquals(0.899000002f, a.toArray()[0], 1e-6);
        assertEquals(1.998f, a.toArray()[1], 1e-6);
        assertEquals(0.999f, b.toArray()[0], 1e-6);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> cpu.adamW(List.of(a, b), List.of(cpu.allocate(2)), m, v, 0.1f, 0.9f, 0.999f, 1e-8f, 0f, 2));
        assertTrue(e.getMessage().contains("different lengths"), e.getMessage());
    }
}
