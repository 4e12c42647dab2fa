package io.ttastream.kernels.cuda;

import io.ttastream.kernels.Tensor;
import jcuda.Pointer;
import jcuda.Sizeof;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.JCudaDriver;

/**
 * A tensor whose elements live in GPU memory, allocated by {@link CudaBackend#allocate} and
 * freed by {@link #close()} (or by the backend's own close, whichever comes first).
 */
public final class CudaTensor extends Tensor {
    private final CudaBackend owner;
    private CUdeviceptr pointer;

    CudaTensor(CudaBackend owner, CUdeviceptr pointer, int... shape) {
        super(shape);
        this.owner = owner;
        this.pointer = pointer;
    }

    /** The device address of element 0; throws once the tensor is closed. */
    CUdeviceptr pointer() {
        if (pointer == null) {
            throw new IllegalStateException("use of a closed CUDA tensor " + this);
        }
        return pointer;
    }

    /** The device address of element {@code index}. */
    CUdeviceptr pointer(long index) {
        return pointer().withByteOffset(index * Sizeof.FLOAT);
    }

    CudaBackend owner() {
        return owner;
    }

    @Override
    public float[] toArray() {
        float[] values = new float[size()];
        if (size() > 0) {
            owner.makeCurrent();
            JCudaDriver.cuMemcpyDtoH(Pointer.to(values), pointer(), (long) size() * Sizeof.FLOAT);
        }
        return values;
    }

    @Override
    public void copyFrom(float[] values) {
        if (values.length != size()) {
            throw new IllegalArgumentException("copyFrom: " + values.length + " values for a tensor of " + size());
        }
        if (size() > 0) {
            owner.makeCurrent();
            JCudaDriver.cuMemcpyHtoD(pointer(), Pointer.to(values), (long) size() * Sizeof.FLOAT);
        }
    }

    @Override
    public void close() {
        if (pointer != null) {
            owner.free(this, pointer);
            pointer = null;
        }
    }
}
