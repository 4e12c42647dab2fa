package io.ttastream.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ttastream.kernels.cuda.CudaBackend;
import org.junit.jupiter.api.Test;

class BackendsTest {

    @Test
    void cpuIsTheCpuBackendWithTheAskedThreads() {
        try (Backend backend = Backends.create("CPU", 2)) {
            CpuBackend cpu = assertInstanceOf(CpuBackend.class, backend);
            assertEquals(2, cpu.threads());
        }
    }

    @Test
    void autoUsesCudaWhenItOpensAndOtherwiseFallsBackToTheCpuWithAReason() {
        Backends.Selection auto = Backends.select("auto", 1);
        try (Backend backend = auto.backend()) {
            if (auto.fellBack()) {
                assertInstanceOf(CpuBackend.class, backend);
                assertFalse(auto.fallbackReason().isBlank(), "the fallback must say why");
                // Asking for CUDA explicitly then fails, with the same reason.
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> Backends.create("cuda", 1));
                assertEquals(auto.fallbackReason(), e.getMessage());
            } else {
                assertInstanceOf(CudaBackend.class, backend);
                assertTrue(backend.name().startsWith("cuda:"));
            }
        }
    }

    @Test
    void anUnknownDeviceIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backends.create("tpu", 1));
        assertTrue(e.getMessage().contains("tpu"), e.getMessage());
    }
}
