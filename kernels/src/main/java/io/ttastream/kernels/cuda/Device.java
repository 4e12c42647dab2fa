package io.ttastream.kernels.cuda;

import jcuda.driver.CUdeviceptr;

/**
 * What {@link CudaBackend} needs from a GPU: memory, copies and kernel launches, all in order on
 * one stream. {@link JCudaDevice} is the real one, through JCuda's driver API; the seam also lets
 * the backend run on an emulation of the kernels where there is no GPU.
 */
interface Device extends AutoCloseable {
    /** The GPU's name, e.g. "NVIDIA H100 80GB HBM3". */
    String name();

    /** Streaming multiprocessors, to size grid-stride launches. */
    int multiprocessors();

    /** Makes the device current on the calling thread. */
    void makeCurrent();

    /**
     * {@code bytes} of device memory.
     *
     * @throws RuntimeException whose message contains OUT_OF_MEMORY when there is not enough
     */
    CUdeviceptr allocate(long bytes);

    void free(CUdeviceptr pointer);

    /** Sets {@code count} 32-bit words at {@code pointer} to {@code bits}. */
    void fill32(CUdeviceptr pointer, int bits, long count);

    /** Copies {@code values} to the device; waits for earlier work. */
    void upload(CUdeviceptr pointer, float[] values);

    /** Copies {@code values.length} floats from the device; waits for earlier work. */
    void download(float[] values, CUdeviceptr pointer);

    void copy(CUdeviceptr dst, CUdeviceptr src, long bytes);

    /**
     * Launches a kernel; {@code args} are checked against its signature already: a device
     * pointer (null for a null pointer), Integer, Boolean (as int), Long or Float.
     */
    void launch(Kernel kernel, int gridX, int gridY, int gridZ, int blockX, int blockY, Object[] args);

    /** Waits for all work issued so far. */
    void synchronize();

    @Override
    void close();
}
