package io.ttastream.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ttastream.kernels.Backends;
import io.ttastream.kernels.CpuBackend;
import io.ttastream.kernels.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The CUDA backend's memory and argument handling; skipped, with the reason, without a GPU. */
class CudaBackendTest {
    private static CudaBackend gpu;
    private static String unavailable;

    @BeforeAll
    static void open() {
        try {
            gpu = Backends.openCuda();
        } catch (IllegalStateException e) {
            unavailable = e.getMessage();
        }
    }

    @AfterAll
    static void close() {
        if (gpu != null) {
            gpu.close();
        }
    }

    @BeforeEach
    void requireGpu() {
        assumeTrue(gpu != null, () -> "no CUDA device: " + unavailable);
    }

    @Test
    void valuesRoundTripAndNewTensorsAreZero() {
        float[] values = {1f, -2.5f, 3e-8f, Float.MAX_VALUE, 0f, 7f};
        try (Tensor t = gpu.fromArray(values, 2, 3); Tensor zeros = gpu.allocate(1000)) {
            assertArrayEquals(values, t.toArray());
            assertArrayEquals(new float[1000], zeros.toArray());
        }
    }

    @Test
    void closedBlocksAreReusedWithoutAskingTheDriverAgain() {
        gpu.allocate(1 << 20).close();
        long held = gpu.deviceBytes();
        for (int i = 0; i < 100; i++) {
            gpu.allocate(1 << 20).close();
        }
        assertEquals(held, gpu.deviceBytes());
    }

    @Test
    void aClosedTensorCannotBeUsed() {
        Tensor t = gpu.allocate(4);
        t.close();
        assertThrows(IllegalStateException.class, t::toArray);
    }

    @Test
    void tensorsOfAnotherBackendAndWrongShapesAreRefusedByOpName() {
        try (CpuBackend cpu = new CpuBackend(1)) {
            Tensor host = cpu.allocate(3);
            Tensor device = gpu.allocate(3);
            IllegalArgumentException foreign = assertThrows(IllegalArgumentException.class, () -> gpu.add(device, device, host));
            assertTrue(foreign.getMessage().startsWith("add: "), foreign.getMessage());
            IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                    () -> gpu.mul(device, device, gpu.allocate(4)));
            assertTrue(shape.getMessage().startsWith("mul: "), shape.getMessage());
        }
    }
}
