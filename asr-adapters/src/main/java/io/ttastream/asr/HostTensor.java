package io.ttastream.asr;

import java.util.Arrays;

/** A float32 tensor on the host: a shape and its row-major elements. */
public record HostTensor(int[] shape, float[] data) {

    public HostTensor {
        if (size(shape) != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + size(shape)
                    + " elements, data has " + data.length);
        }
    }

    public static int size(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return Math.toIntExact(n);
    }

    public int size() {
        return data.length;
    }

    @Override
    public String toString() {
        return "HostTensor" + Arrays.toString(shape);
    }
}
