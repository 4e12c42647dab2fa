package io.ttastream.kernels.bench;

import java.util.Random;

/** Wall-clock timing and random inputs for the benchmark mains. */
final class Timing {
    private Timing() {
    }

    /** Seconds per run of {@code op}, after a warm-up of about a third of {@code seconds}. */
    static double secondsPerRun(Runnable op, double seconds) {
        for (long warmUpEnd = System.nanoTime() + (long) (seconds * 0.3e9); System.nanoTime() < warmUpEnd; ) {
            op.run();
        }
        int runs = 0;
        long start = System.nanoTime();
        do {
            op.run();
            runs++;
        } while (System.nanoTime() - start < seconds * 1e9);
        return (System.nanoTime() - start) / 1e9 / runs;
    }

    static float[] gaussians(Random random, int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }
}
