package io.ttastream.kernels;

import java.util.Arrays;
import java.util.function.Supplier;

/**
 * The argument checks every {@link Backend} makes before it touches memory, so that a shape
 * mismatch fails the same way on every backend: an {@link IllegalArgumentException} whose
 * message starts with the op's name.
 */
public final class Shapes {
    private Shapes() {
    }

    /** Throws "op: problem" unless {@code ok}. */
    public static void require(boolean ok, String op, Supplier<String> problem) {
        if (!ok) {
            throw new IllegalArgumentException(op + ": " + problem.get());
        }
    }

    /** {@code t}, after checking that it is not null and has exactly {@code shape}. */
    public static Tensor requireShape(String op, String name, Tensor t, int... shape) {
        require(t != null, op, () -> name + " is null");
        require(Arrays.equals(t.shape(), shape), op,
                () -> name + " has shape " + Arrays.toString(t.shape()) + ", expected " + Arrays.toString(shape));
        return t;
    }

    /** Checks that {@code t} is not null and has {@code size} elements, whatever its shape. */
    public static void requireSize(String op, String name, Tensor t, int size) {
        require(t != null, op, () -> name + " is null");
        require(t.size() == size, op, () -> name + " " + Arrays.toString(t.shape()) + " has " + t.size()
                + " elements, expected " + size);
    }

    /** Checks that {@code t} is not null and has {@code rank} dimensions. */
    public static void requireRank(String op, String name, Tensor t, int rank) {
        require(t != null, op, () -> name + " is null");
        require(t.rank() == rank, op, () -> name + " " + Arrays.toString(t.shape()) + " must have rank " + rank);
    }

    /** The number of rows of an activation whose last dimension must be {@code width}. */
    public static int rowsOf(String op, String name, Tensor x, int width) {
        require(x.dim(-1) == width, op, () -> name + " " + Arrays.toString(x.shape()) + " must end in " + width);
        return width == 0 ? 0 : x.size() / width;
    }
}
