package io.ttastream.kernels.bench;

import io.ttastream.kernels.CpuBackend;
import io.ttastream.kernels.Tensor;
import java.util.Random;

/**
 * Prints the CPU backend's GEMM throughput at wav2vec2-base's feed-forward shapes (500 frames,
 * hidden 768, FFN 3072), as matmul and as linear (x w^T, the layout the model uses).
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp kernels/target/classes
 * io.ttastream.kernels.bench.MatmulBench [threads] [seconds per shape]}
 */
public final class MatmulBench {
    private MatmulBench() {
    }

    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : Runtime.getRuntime().availableProcessors();
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 3;
        try (CpuBackend backend = new CpuBackend(threads)) {
            System.out.printf("cpu backend, %d threads%n", threads);
            measure(backend, 500, 768, 3072, false, seconds);
            measure(backend, 500, 3072, 768, false, seconds);
            measure(backend, 500, 768, 3072, true, seconds);
            measure(backend, 500, 3072, 768, true, seconds);
        }
    }

    /** Times out[m, n] = x[m, k] * w, with w as [k, n] (matmul) or [n, k] (linear). */
    private static void measure(CpuBackend backend, int m, int k, int n, boolean linear, double seconds) {
        Random random = new Random(1);
        Tensor x = backend.fromArray(Timing.gaussians(random, m * k), m, k);
        Tensor w = linear ? backend.fromArray(Timing.gaussians(random, n * k), n, k) : backend.fromArray(Timing.gaussians(random, k * n), k, n);
        Tensor out = backend.allocate(m, n);
        Runnable op = linear ? () -> backend.linear(out, x, w, null) : () -> backend.matmul(out, x, false, w, false, false);
        double perRun = Timing.secondsPerRun(op, seconds);
        System.out.printf("%-7s %4d x %4d x %4d: %7.2f ms  %6.1f GFLOP/s%n", linear ? "linear" : "matmul",
                m, k, n, perRun * 1e3, 2.0 * m * n * k / perRun / 1e9);
    }
}
