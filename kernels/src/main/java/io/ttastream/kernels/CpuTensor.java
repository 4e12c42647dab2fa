package io.ttastream.kernels;

/** A tensor whose elements live in a Java float array. */
public final class CpuTensor extends Tensor {
    private final float[] data;

    CpuTensor(float[] data, int... shape) {
        super(shape);
        if (data.length != size()) {
            throw new IllegalArgumentException("data length " + data.length + " does not match shape size " + size());
        }
        this.data = data;
    }

    /** The backing array itself (not a copy): CPU kernels read and write it directly. */
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
