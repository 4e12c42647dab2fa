package io.ttastream.kernels;

import java.util.Arrays;

/**
 * A dense float32 tensor in row-major order, owned by one {@link Backend}.
 *
 * <p>The tensor knows only its shape; where its numbers live (a Java array, GPU memory) is the
 * backend's business. Ops never allocate behind the caller's back: the caller allocates every
 * output with {@link Backend#allocate(int...)} and passes it in, as llm.c does, so a forward or
 * an adaptation loop can reuse its buffers.
 */
public abstract class Tensor implements AutoCloseable {
    private final int[] shape;
    private final int size;

    protected Tensor(int... shape) {
        if (shape.length == 0) {
            throw new IllegalArgumentException("a tensor needs at least one dimension");
        }
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n *= d;
        }
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("tensor too large: " + Arrays.toString(shape));
        }
        this.shape = shape.clone();
        this.size = (int) n;
    }

    public final int[] shape() {
        return shape.clone();
    }

    public final int rank() {
        return shape.length;
    }

    /** Size of dimension {@code i}; negative {@code i} counts from the end. */
    public final int dim(int i) {
        return shape[i < 0 ? shape.length + i : i];
    }

    /** Number of elements. */
    public final int size() {
        return size;
    }

    /** Copies the elements to a new host array. */
    public abstract float[] toArray();

    /** Overwrites every element from a host array of exactly {@link #size()} elements. */
    public abstract void copyFrom(float[] values);

    /** Releases device memory; a no-op on the CPU. */
    @Override
    public void close() {
    }

    /** True when {@code other} has the same shape. */
    public final boolean sameShape(Tensor other) {
        return Arrays.equals(shape, other.shape);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + Arrays.toString(shape);
    }
}
