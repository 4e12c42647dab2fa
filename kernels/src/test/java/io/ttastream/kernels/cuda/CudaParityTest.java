package io.ttastream.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ttastream.kernels.Backends;
import io.ttastream.kernels.CpuBackend;
import io.ttastream.kernels.cuda.CudaBackend.MatmulPrecision;
import io.ttastream.kernels.cuda.CudaParityCheck.Case;
import io.ttastream.kernels.cuda.CudaParityCheck.Result;
import io.ttastream.kernels.cuda.CudaParityCheck.Tolerance;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every op, CUDA against the CPU ({@link CudaParityCheck#cases()}); skipped, with the reason,
 * where no CUDA device can be opened. The harness itself is checked on the CPU everywhere.
 */
class CudaParityTest {
    private static final CpuBackend cpu = new CpuBackend(2);
    private static final Map<MatmulPrecision, CudaBackend> gpus = new EnumMap<>(MatmulPrecision.class);
    private static String unavailable;

    @BeforeAll
    static void openGpu() {
        try {
            gpus.put(MatmulPrecision.FP32, Backends.openCuda());
            gpus.put(MatmulPrecision.TF32, new CudaBackend(0, MatmulPrecision.TF32));
        } catch (IllegalStateException e) {
            unavailable = e.getMessage();
        }
    }

    @AfterAll
    static void close() {
        gpus.values().forEach(CudaBackend::close);
        cpu.close();
    }

    static List<Case> cases() {
        return CudaParityCheck.cases();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void cudaMatchesTheCpu(Case c) {
        assumeTrue(unavailable == null, () -> "no CUDA device: " + unavailable);
        Result result = CudaParityCheck.compare(c, cpu, gpus.get(c.precision()));
        assertTrue(result.ok(), result::row);
    }

    @Test
    void everyCaseRunsOnTheCpuAndTwoThreadCountsAgreeToRounding() {
        try (CpuBackend single = new CpuBackend(1)) {
            // The TF32 cases are the FP32 ones again: the same on the CPU.
            for (Case c : CudaParityCheck.cases().stream().filter(c -> c.precision() == MatmulPrecision.FP32).toList()) {
                // Not bit for bit, so within the case's own tolerance: the Vector API evaluates tanh and lane
                // reductions differently before and after the JIT compiles them (seen: GELU, 1.2e-7), and a sum over
                // 1,599 frames rounds at the scale of its partial sums, not of its result (seen: the channel-major
                // layer norm's backward, 1.5e-5).
                Result result = CudaParityCheck.compare(c, cpu, single);
                assertTrue(result.ok(), result::row);
            }
        }
    }

    @Test
    void aDifferenceBeyondTheToleranceFailsAndNamesTheElement() {
        // The candidate's output differs from the reference's in element 2 by 0.1.
        Case c = new Case("perturbed", MatmulPrecision.FP32, new Tolerance(1e-3, 1e-3),
                in -> in.backend() == cpu ? new float[] {1f, 2f, 3f} : new float[] {1f, 2f, 3.1f});
        try (CpuBackend other = new CpuBackend(1)) {
            Result result = CudaParityCheck.compare(c, cpu, other);
            assertFalse(result.ok());
            assertEquals(0.1, result.maxAbsError(), 1e-6);
            assertTrue(result.failure().startsWith("element 2"), result.failure());
        }
    }
}
