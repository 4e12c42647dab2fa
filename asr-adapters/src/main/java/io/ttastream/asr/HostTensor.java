package io.ttastream.asr;

import java.util.Arrays;

/**
 * A float32 tensor on the Java heap: a shape and its elements in row-major order.
 *
 * <p>This is how checkpoints travel between files and backends. The data array is shared, not
 * copied (checkpoints are hundreds of megabytes); the shape is copied.
 */
public record HostTensor(int[] shape, float[] data) {

    public HostTensor {
        shape = shape.clone();
        long expected = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            expected *= d;
        }
        if (expected != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + expected
                    + " elements but the data has " + data.length);
        }
    }

    /** A zero-filled tensor. */
    public static HostTensor zeros(int... shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return new HostTensor(shape, new float[Math.toIntExact(n)]);
    }

    /** Number of elements. */
    public int size() {
        return data.length;
    }

    /** The shape (a copy). */
    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** True when the shape equals {@code other}. */
    public boolean hasShape(int... other) {
        return Arrays.equals(shape, other);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HostTensor t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "HostTensor" + Arrays.toString(shape);
    }
}
