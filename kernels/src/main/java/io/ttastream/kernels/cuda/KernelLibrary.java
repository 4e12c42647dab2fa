package io.ttastream.kernels.cuda;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;

/**
 * The compiled kernels shipped in the jar (see src/main/cuda/build-ptx.sh), loaded into the
 * current context once and looked up by {@link Kernel}.
 *
 * <p>Each CUDA source file is one module. On a device of compute capability 9.0 the module is
 * the sm_90 cubin that ptxas built ahead of time; anywhere else it is the compute_80 PTX, which
 * the driver compiles for the device as it loads it.
 */
final class KernelLibrary implements AutoCloseable {
    private static final String RESOURCES = "/io/ttastream/kernels/cuda/";

    private final Map<String, CUmodule> modules = new LinkedHashMap<>();
    private final Map<Kernel, CUfunction> functions = new EnumMap<>(Kernel.class);

    /** Loads every module into the current context, for a device of compute capability major.minor. */
    KernelLibrary(int major, int minor) {
        boolean hopper = major == 9 && minor == 0;
        for (Kernel kernel : Kernel.values()) {
            CUmodule module = modules.computeIfAbsent(kernel.module, name -> {
                CUmodule loaded = new CUmodule();
                JCudaDriver.cuModuleLoadData(loaded, hopper ? cubin(name) : ptx(name));
                return loaded;
            });
            CUfunction function = new CUfunction();
            JCudaDriver.cuModuleGetFunction(function, module, kernel.symbol);
            functions.put(kernel, function);
        }
    }

    CUfunction function(Kernel kernel) {
        return functions.get(kernel);
    }

    /** The PTX of a module, NUL-terminated as the driver wants text. */
    static byte[] ptx(String module) {
        return resource(module + ".ptx", true);
    }

    /** The sm_90 cubin of a module. */
    static byte[] cubin(String module) {
        return resource(module + ".sm_90.cubin", false);
    }

    private static byte[] resource(String file, boolean nulTerminated) {
        try (InputStream in = KernelLibrary.class.getResourceAsStream(RESOURCES + file)) {
            if (in == null) {
                throw new IllegalStateException("missing CUDA module " + RESOURCES + file + " (run build-ptx.sh)");
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            in.transferTo(bytes);
            if (nulTerminated) {
                bytes.write(0);
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        modules.values().forEach(JCudaDriver::cuModuleUnload);
        modules.clear();
        functions.clear();
    }
}
