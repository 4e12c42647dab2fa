package io.ttastream.kernels.cuda;

import java.lang.reflect.Field;
import jcuda.NativePointerObject;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;

/**
 * A {@link Device} without a GPU: memory is host memory and every launch runs the CUDA kernel,
 * compiled as C++ against src/test/cuda/host_cuda.h, on CPU threads (libttahostcuda.so, built by
 * src/test/cuda/run-parity-on-host.sh). It lets the whole CudaBackend, kernels and Java glue,
 * be compared with the CPU backend on a machine with no GPU; only the TF32 kernel is missing.
 */
final class HostEmulatedDevice implements Device {
    private static final Field NATIVE_POINTER = field(NativePointerObject.class, "nativePointer");
    private static final Field BYTE_OFFSET = field(Pointer.class, "byteOffset");

    HostEmulatedDevice(String library) {
        System.load(library);
    }

    private static native long malloc(long bytes);

    private static native void free(long address);

    private static native void fill32(long address, int bits, long count);

    private static native void upload(long address, float[] values);

    private static native void download(float[] values, long address);

    private static native void copy(long dst, long src, long bytes);

    private static native boolean launch(String symbol, int gridX, int gridY, int gridZ, int blockX, int blockY,
                                         long[] args);

    /** The address a JCuda device pointer stands for: its native pointer plus its byte offset. */
    private static long address(CUdeviceptr pointer) {
        try {
            return pointer == null ? 0 : NATIVE_POINTER.getLong(pointer) + BYTE_OFFSET.getLong(pointer);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Field field(Class<?> owner, String name) {
        try {
            Field f = owner.getDeclaredField(name);
            f.setAccessible(true);
            return f;
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String name() {
        return "host emulation";
    }

    @Override
    public int multiprocessors() {
        return 1;
    }

    @Override
    public void makeCurrent() {
    }

    @Override
    public CUdeviceptr allocate(long bytes) {
        long address = malloc(bytes);
        if (address == 0) {
            throw new IllegalStateException("OUT_OF_MEMORY: malloc of " + bytes);
        }
        return new CUdeviceptr().withByteOffset(address);
    }

    @Override
    public void free(CUdeviceptr pointer) {
        free(address(pointer));
    }

    @Override
    public void fill32(CUdeviceptr pointer, int bits, long count) {
        fill32(address(pointer), bits, count);
    }

    @Override
    public void upload(CUdeviceptr pointer, float[] values) {
        upload(address(pointer), values);
    }

    @Override
    public void download(float[] values, CUdeviceptr pointer) {
        download(values, address(pointer));
    }

    @Override
    public void copy(CUdeviceptr dst, CUdeviceptr src, long bytes) {
        copy(address(dst), address(src), bytes);
    }

    @Override
    public void launch(Kernel kernel, int gridX, int gridY, int gridZ, int blockX, int blockY, Object[] args) {
        long[] raw = new long[args.length];
        for (int i = 0; i < args.length; i++) {
            Object arg = args[i];
            raw[i] = arg == null ? 0
                    : arg instanceof CUdeviceptr p ? address(p)
                    : arg instanceof Integer v ? v
                    : arg instanceof Boolean b ? (b ? 1 : 0)
                    : arg instanceof Long l ? l
                    : Float.floatToRawIntBits((Float) arg) & 0xffffffffL;
        }
        if (!launch(kernel.symbol, gridX, gridY, gridZ, blockX, blockY, raw)) {
            throw new UnsupportedOperationException(kernel.symbol + " cannot run on the host emulation");
        }
    }

    @Override
    public void synchronize() {
    }

    @Override
    public void close() {
    }
}
