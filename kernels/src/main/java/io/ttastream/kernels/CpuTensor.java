package io.ttastream.kernels;

/** A tensor whose elements live in a Java {@code float[]}, the storage of {@link CpuBackend}. */
public final class CpuTensor extends Tensor {
    private final float[] data;

    /** A new zero-filled tensor. */
    public CpuTensor(int... shape) {
        super(shape);
        this.data = new float[size()];
    }

    private CpuTensor(float[] data, int[] shape) {
        super(shape);
        if (data.length != size()) {
            throw new IllegalArgumentException("wrap: " + data.length + " values for a tensor of " + size());
        }
        this.data = data;
    }

    /** A tensor backed by {@code data} itself (no copy); its length must equal the shape's size. */
    public static CpuTensor wrap(float[] data, int... shape) {
        return new CpuTensor(data, shape);
    }

    /** The live row-major element array: writes to it change the tensor. */
    public float[] data() {
        return data;
    }

    @Override
    public float[] toArray() {
        return data.clone();
    }

    @Override
    public void copyFrom(float[] values) {
        if (values.length != data.length) {
            throw new IllegalArgumentException("copyFrom: " + values.length + " values for a tensor of " + data.length);
        }
        System.arraycopy(values, 0, data, 0, data.length);
    }
}
