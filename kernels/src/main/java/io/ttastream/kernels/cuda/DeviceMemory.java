package io.ttastream.kernels.cuda;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import jcuda.driver.CUdeviceptr;

/**
 * The device memory of one {@link CudaBackend}: blocks from cuMemAlloc, kept when released and
 * handed out again for the next request of the same rounded size, so that a loop which allocates
 * the same tensors every step (a SUTA step) stops calling cuMemAlloc after its first step and
 * never calls cuMemFree, which would wait for the GPU.
 *
 * <p>Blocks come back through {@link #release} from any thread (a tensor's close, or the cleaner
 * once a forgotten tensor is garbage collected) and are reused by the owning thread. Reuse is
 * safe without waiting: every kernel goes on the one default stream, so work issued with the
 * new owner runs after all work issued with the old one.
 */
final class DeviceMemory implements AutoCloseable {
    /** Attempts to recover from an out-of-memory error by collecting forgotten tensors. */
    private static final int COLLECTION_ATTEMPTS = 3;

    private final Device device;
    private final Map<Long, ArrayDeque<CUdeviceptr>> cached = new HashMap<>();
    private final Queue<Block> released = new ConcurrentLinkedQueue<>();
    private final Set<CUdeviceptr> allocated = Collections.newSetFromMap(new IdentityHashMap<>());
    private long allocatedBytes;
    private volatile boolean closed;

    DeviceMemory(Device device) {
        this.device = device;
    }

    /** A block of {@code bytes} (already rounded) at {@code pointer}. */
    record Block(CUdeviceptr pointer, long bytes) {
    }

    /**
     * Sizes are rounded up to 512 bytes, and above 4 KiB to an eighth of their highest power of
     * two, so that nearly equal requests share blocks and at most 12.5% is wasted.
     */
    static long roundUp(long bytes) {
        long granule = Math.max(512, Long.highestOneBit(Math.max(1, bytes)) / 8);
        return (bytes + granule - 1) / granule * granule;
    }

    /** A block of at least {@code bytes}, its contents garbage; the caller's context must be current. */
    Block take(long bytes) {
        long size = roundUp(bytes);
        drainReleased();
        ArrayDeque<CUdeviceptr> free = cached.get(size);
        if (free != null && !free.isEmpty()) {
            return new Block(free.pop(), size);
        }
        for (int attempt = 0; ; attempt++) {
            try {
                CUdeviceptr pointer = device.allocate(size);
                allocated.add(pointer);
                allocatedBytes += size;
                return new Block(pointer, size);
            } catch (RuntimeException e) {
                if (e.getMessage() == null || !e.getMessage().contains("OUT_OF_MEMORY") || attempt == COLLECTION_ATTEMPTS) {
                    throw e;
                }
                // Tensors nobody closed may be garbage already: collect them, then give the
                // cached blocks of other sizes back to the driver and try again.
                System.gc();
                sleepBriefly();
                drainReleased();
                trim();
            }
        }
    }

    /** Returns a block for reuse; callable from any thread, a no-op once the memory is closed. */
    void release(Block block) {
        if (!closed) {
            released.add(block);
        }
    }

    /** Bytes held from the driver, in use or cached. */
    long allocatedBytes() {
        return allocatedBytes;
    }

    private void drainReleased() {
        for (Block block; (block = released.poll()) != null; ) {
            cached.computeIfAbsent(block.bytes(), size -> new ArrayDeque<>()).push(block.pointer());
        }
    }

    /** Frees every cached block. */
    private void trim() {
        cached.forEach((size, blocks) -> {
            for (CUdeviceptr pointer : blocks) {
                free(pointer, size);
            }
        });
        cached.clear();
    }

    private void free(CUdeviceptr pointer, long size) {
        if (allocated.remove(pointer)) {
            device.free(pointer);
            allocatedBytes -= size;
        }
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Frees every block, in use or not; the caller's context must be current. */
    @Override
    public void close() {
        closed = true;
        released.clear();
        cached.clear();
        for (CUdeviceptr pointer : allocated) {
            device.free(pointer);
        }
        allocated.clear();
        allocatedBytes = 0;
    }
}
