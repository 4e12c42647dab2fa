package io.ttastream.kernels;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;

/** Splits index ranges across a fixed pool of threads; runs inline when there is one thread. */
final class Parallel implements AutoCloseable {
    /** A body over the index range [start, end). */
    interface RangeBody {
        void run(int start, int end);
    }

    private final int threads;
    private final ForkJoinPool pool;

    Parallel(int threads) {
        this.threads = Math.max(1, threads);
        this.pool = this.threads > 1 ? new ForkJoinPool(this.threads) : null;
    }

    int threads() {
        return threads;
    }

    /** Runs body over [0, n) in chunks of at least {@code grain} indices. */
    void forRange(int n, int grain, RangeBody body) {
        int chunks = Math.min(threads * 4, Math.max(1, n / Math.max(1, grain)));
        if (pool == null || chunks <= 1 || ForkJoinTask.inForkJoinPool()) {
            body.run(0, n);
            return;
        }
        List<ForkJoinTask<?>> tasks = new ArrayList<>(chunks);
        for (int i = 0; i < chunks; i++) {
            int start = (int) ((long) n * i / chunks);
            int end = (int) ((long) n * (i + 1) / chunks);
            tasks.add(pool.submit(() -> body.run(start, end)));
        }
        for (ForkJoinTask<?> task : tasks) {
            task.join();
        }
    }

    /** Runs body(i) for every i in [0, n), spread over the threads. */
    void forEach(int n, java.util.function.IntConsumer body) {
        forRange(n, 1, (start, end) -> {
            for (int i = start; i < end; i++) {
                body.accept(i);
            }
        });
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdown();
        }
    }
}
