package io.ttastream.kernels;

/**
 * Per-thread scratch arrays, grown on demand and kept, so that the hot ops (GEMM packing,
 * im2col, attention scores) do not allocate large arrays on every call.
 */
final class Workspace {
    /** The independent scratch buffers one thread may hold at the same time. */
    enum Slot { PACKED_A, PACKED_B, COLUMNS, SCORES }

    private static final ThreadLocal<Workspace> LOCAL = ThreadLocal.withInitial(Workspace::new);

    private final float[][] buffers = new float[Slot.values().length][0];

    static Workspace ofCurrentThread() {
        return LOCAL.get();
    }

    /** A buffer of at least {@code size} floats; its contents are garbage. */
    float[] buffer(Slot slot, int size) {
        float[] buffer = buffers[slot.ordinal()];
        if (buffer.length < size) {
            buffer = new float[size];
            buffers[slot.ordinal()] = buffer;
        }
        return buffer;
    }
}
