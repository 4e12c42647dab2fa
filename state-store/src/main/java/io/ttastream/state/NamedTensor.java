package io.ttastream.state;

import java.util.Arrays;
import java.util.Objects;

/**
 * A named float32 tensor in row-major order, as stored in a {@link Snapshot}.
 *
 * <p>The values array is not copied (snapshots of a million floats are taken every few
 * seconds); do not mutate it after handing it over.
 *
 * @param name   parameter name, e.g. {@code encoder.layers.3.layer_norm.weight}
 * @param shape  dimensions; their product is {@code values.length}
 * @param values the elements, row-major
 */
public record NamedTensor(String name, int[] shape, float[] values) {

    /** Validates that the shape describes exactly the given values. */
    public NamedTensor {
        Objects.requireNonNull(name, "name");
        shape = shape.clone();
        Objects.requireNonNull(values, "values");
        long elements = 1;
        for (int dimension : shape) {
            if (dimension < 0) {
                throw new IllegalArgumentException(name + ": negative dimension in " + Arrays.toString(shape));
            }
            elements *= dimension;
        }
        if (elements != values.length) {
            throw new IllegalArgumentException(name + ": shape " + Arrays.toString(shape)
                    + " holds " + elements + " elements but " + values.length + " values were given");
        }
    }

    /** A copy of the dimensions. */
    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** True when the other tensor has the same name, shape and bit-identical values. */
    public boolean sameContentAs(NamedTensor other) {
        return name.equals(other.name) && Arrays.equals(shape, other.shape) && Arrays.equals(values, other.values);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
