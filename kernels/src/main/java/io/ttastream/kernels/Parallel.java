package io.ttastream.kernels;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Runs the independent tasks of one op on a fixed set of threads: the calling thread plus the
 * workers of a private pool. Tasks are handed out dynamically (a shared counter), so uneven
 * tasks balance themselves.
 */
final class Parallel implements AutoCloseable {
    /** Runs everything on the calling thread. */
    static final Parallel SERIAL = new Parallel(1);

    /** The body of a range loop: handles indices {@code [start, end)}. */
    @FunctionalInterface
    interface RangeBody {
        void run(int start, int end);
    }

    private final int threads;
    private final ForkJoinPool pool;

    Parallel(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.threads = threads;
        // The caller works too, so the pool needs one thread fewer.
        this.pool = threads == 1 ? null : new ForkJoinPool(threads - 1);
    }

    int threads() {
        return threads;
    }

    /** Runs {@code body(i)} for every i in [0, count), each exactly once, and waits for all. */
    void forEach(int count, IntConsumer body) {
        int workers = Math.min(threads, count);
        // A task that itself calls forEach runs its inner loop inline: waiting on the pool from
        // inside it could run a sibling task on this thread and clobber its per-thread scratch.
        if (workers <= 1 || ForkJoinTask.getPool() == pool) {
            for (int i = 0; i < count; i++) {
                body.accept(i);
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        Runnable drain = () -> {
            for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                body.accept(i);
            }
        };
        ForkJoinTask<?>[] helpers = new ForkJoinTask<?>[workers - 1];
        for (int h = 0; h < helpers.length; h++) {
            helpers[h] = pool.submit(drain);
        }
        try {
            drain.run();
        } finally {
            for (ForkJoinTask<?> helper : helpers) {
                helper.join();
            }
        }
    }

    /**
     * Splits [0, n) into contiguous chunks of at least {@code grain} indices (a few per thread,
     * for balance) and runs {@code body} on each.
     */
    void forRange(int n, int grain, RangeBody body) {
        int chunks = (int) Math.min(4L * threads, Math.max(1, n / Math.max(1, grain)));
        if (chunks <= 1) {
            if (n > 0) {
                body.run(0, n);
            }
            return;
        }
        int chunk = (n + chunks - 1) / chunks;
        forEach(chunks, c -> {
            int start = c * chunk;
            int end = Math.min(n, start + chunk);
            if (start < end) {
                body.run(start, end);
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
