package io.ttastream.kernels.cuda;

import io.ttastream.kernels.Tensor;
import java.lang.ref.Cleaner;
import jcuda.Sizeof;
import jcuda.driver.CUdeviceptr;

/**
 * A tensor whose elements live in GPU memory, allocated by {@link CudaBackend#allocate}.
 * {@link #close()} hands its block back to the backend for reuse at once; a tensor nobody closes
 * hands it back when it is garbage collected, as a CPU tensor's array would be reclaimed.
 */
public final class CudaTensor extends Tensor {
    private static final Cleaner CLEANER = Cleaner.create();

    private final CudaBackend owner;
    /** Null for a tensor of no elements. */
    private final CUdeviceptr pointer;
    private final Cleaner.Cleanable cleanable;
    private volatile boolean closed;

    /** A tensor of garbage values in a block from {@code memory}. */
    CudaTensor(CudaBackend owner, DeviceMemory memory, int... shape) {
        super(shape);
        this.owner = owner;
        if (size() == 0) {
            this.pointer = null;
            this.cleanable = null;
        } else {
            DeviceMemory.Block block = memory.take((long) size() * Sizeof.FLOAT);
            this.pointer = block.pointer();
            // The action holds the block and the memory, never this tensor.
            this.cleanable = CLEANER.register(this, () -> memory.release(block));
        }
    }

    /** The device address of element 0; throws once the tensor is closed. */
    CUdeviceptr pointer() {
        if (closed) {
            throw new IllegalStateException("use of a closed CUDA tensor " + this);
        }
        return pointer;
    }

    CudaBackend owner() {
        return owner;
    }

    @Override
    public float[] toArray() {
        float[] values = new float[size()];
        if (size() > 0) {
            owner.makeCurrent();
            owner.device().download(values, pointer());
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
            owner.device().upload(pointer(), values);
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (cleanable != null) {
                cleanable.clean();
            }
        }
    }
}
