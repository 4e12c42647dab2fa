package io.ttastream.kernels.cuda;

import java.nio.charset.StandardCharsets;
import jcuda.Pointer;
import jcuda.Sizeof;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.JCudaDriver;

/** A GPU through JCuda's driver API: the device's primary context, its default stream, our kernels. */
final class JCudaDevice implements Device {
    private final CUdevice device = new CUdevice();
    private final CUcontext context = new CUcontext();
    private final String name;
    private final int multiprocessors;
    private final KernelLibrary kernels;

    /**
     * Opens GPU {@code ordinal}: initialises the driver, retains the device's primary context
     * and loads the kernels.
     *
     * @throws jcuda.CudaException when there is no such device or the driver refuses
     * @throws UnsatisfiedLinkError when JCuda's native library or the driver (libcuda.so.1) cannot be loaded
     */
    JCudaDevice(int ordinal) {
        JCudaDriver.setExceptionsEnabled(true);
        JCudaDriver.cuInit(0);
        int[] count = new int[1];
        JCudaDriver.cuDeviceGetCount(count);
        if (ordinal < 0 || ordinal >= count[0]) {
            throw new IllegalArgumentException("no CUDA device " + ordinal + ": the driver sees " + count[0]);
        }
        JCudaDriver.cuDeviceGet(device, ordinal);
        JCudaDriver.cuDevicePrimaryCtxRetain(context, device);
        JCudaDriver.cuCtxSetCurrent(context);
        byte[] bytes = new byte[256];
        JCudaDriver.cuDeviceGetName(bytes, bytes.length, device);
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) {
            end++;
        }
        this.name = new String(bytes, 0, end, StandardCharsets.US_ASCII);
        this.multiprocessors = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
        this.kernels = new KernelLibrary(
                attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR),
                attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR));
    }

    private int attribute(int attribute) {
        int[] value = new int[1];
        JCudaDriver.cuDeviceGetAttribute(value, attribute, device);
        return value[0];
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int multiprocessors() {
        return multiprocessors;
    }

    @Override
    public void makeCurrent() {
        JCudaDriver.cuCtxSetCurrent(context);
    }

    @Override
    public CUdeviceptr allocate(long bytes) {
        CUdeviceptr pointer = new CUdeviceptr();
        JCudaDriver.cuMemAlloc(pointer, bytes);
        return pointer;
    }

    @Override
    public void free(CUdeviceptr pointer) {
        JCudaDriver.cuMemFree(pointer);
    }

    @Override
    public void fill32(CUdeviceptr pointer, int bits, long count) {
        JCudaDriver.cuMemsetD32(pointer, bits, count);
    }

    @Override
    public void upload(CUdeviceptr pointer, float[] values) {
        JCudaDriver.cuMemcpyHtoD(pointer, Pointer.to(values), (long) values.length * Sizeof.FLOAT);
    }

    @Override
    public void download(float[] values, CUdeviceptr pointer) {
        JCudaDriver.cuMemcpyDtoH(Pointer.to(values), pointer, (long) values.length * Sizeof.FLOAT);
    }

    @Override
    public void copy(CUdeviceptr dst, CUdeviceptr src, long bytes) {
        JCudaDriver.cuMemcpyDtoD(dst, src, bytes);
    }

    @Override
    public void launch(Kernel kernel, int gridX, int gridY, int gridZ, int blockX, int blockY, Object[] args) {
        Pointer[] parameters = new Pointer[args.length];
        for (int i = 0; i < args.length; i++) {
            parameters[i] = parameter(args[i]);
        }
        JCudaDriver.cuLaunchKernel(kernels.function(kernel), gridX, gridY, gridZ, blockX, blockY, 1,
                0, null, Pointer.to(parameters), null);
    }

    /** A pointer to the bytes of one kernel argument, as cuLaunchKernel wants them. */
    private static Pointer parameter(Object arg) {
        if (arg == null) {
            return Pointer.to(new CUdeviceptr());
        } else if (arg instanceof CUdeviceptr p) {
            return Pointer.to(p);
        } else if (arg instanceof Integer i) {
            return Pointer.to(new int[] {i});
        } else if (arg instanceof Boolean b) {
            return Pointer.to(new int[] {b ? 1 : 0});
        } else if (arg instanceof Long l) {
            return Pointer.to(new long[] {l});
        }
        return Pointer.to(new float[] {(Float) arg});
    }

    @Override
    public void synchronize() {
        JCudaDriver.cuCtxSynchronize();
    }

    @Override
    public void close() {
        kernels.close();
        JCudaDriver.cuDevicePrimaryCtxRelease(device);
    }
}
