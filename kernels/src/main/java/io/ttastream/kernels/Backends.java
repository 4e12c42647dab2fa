package io.ttastream.kernels;

import io.ttastream.kernels.cuda.CudaBackend;
import java.util.Locale;

/**
 * Picks the {@link Backend} a command runs on, from a device name: {@code cpu}, {@code cuda} or
 * {@code auto}.
 *
 * <p>{@code auto} uses the first CUDA GPU when there is one and otherwise the CPU, logging one
 * line that says why the GPU was not used: JCuda absent from the class path, its native library
 * or the NVIDIA driver not loadable, no device. {@code cuda} fails with that same reason instead.
 */
public final class Backends {
    private static final System.Logger LOG = System.getLogger(Backends.class.getName());
    /** Why CUDA could not be opened, once that has been found out (a driver does not appear later). */
    private static String cudaFailure;

    private Backends() {
    }

    /** The outcome of a selection: the backend and, when {@code auto} fell back to the CPU, why. */
    public record Selection(Backend backend, String fallbackReason) {
        /** True when the CPU was used because CUDA was not available. */
        public boolean fellBack() {
            return fallbackReason != null;
        }
    }

    /**
     * The backend for {@code device}, logging the reason when {@code auto} falls back to the CPU.
     *
     * @param threads CPU threads, when the CPU backend is chosen
     * @throws IllegalArgumentException for an unknown device name
     * @throws IllegalStateException when {@code cuda} was asked for and cannot be had
     */
    public static Backend create(String device, int threads) {
        Selection selection = select(device, threads);
        if (selection.fellBack()) {
            LOG.log(System.Logger.Level.INFO, "device auto: using the CPU, CUDA unavailable: " + selection.fallbackReason());
        }
        return selection.backend();
    }

    /** As {@link #create}, without logging, the fallback reason returned instead. */
    public static Selection select(String device, int threads) {
        switch (device.toLowerCase(Locale.ROOT)) {
            case "cpu":
                return new Selection(new CpuBackend(threads), null);
            case "cuda":
                return new Selection(openCuda(), null);
            case "auto":
                try {
                    return new Selection(openCuda(), null);
                } catch (IllegalStateException e) {
                    return new Selection(new CpuBackend(threads), e.getMessage());
                }
            default:
                throw new IllegalArgumentException("unknown device '" + device + "': use cpu, cuda or auto");
        }
    }

    /**
     * The first CUDA GPU.
     *
     * @throws IllegalStateException naming why there is none usable; once it has failed, it
     *     fails the same way for the rest of the process without trying again
     */
    public static synchronized CudaBackend openCuda() {
        if (cudaFailure != null) {
            throw new IllegalStateException(cudaFailure);
        }
        try {
            return new CudaBackend();
        } catch (NoClassDefFoundError e) {
            cudaFailure = "JCuda is not on the class path (" + e.getMessage() + ")";
        } catch (UnsatisfiedLinkError e) {
            cudaFailure = "JCuda's native library did not load: " + linkProblem(e.getMessage());
        } catch (RuntimeException e) {
            // jcuda.CudaException (no device, driver too old for the kernels) or no device 0.
            cudaFailure = "no usable CUDA device: " + e.getMessage();
        }
        throw new IllegalStateException(cudaFailure);
    }

    /**
     * The telling part of JCuda's long loader message: its last nested error, usually
     * "libcuda.so.1: cannot open shared object file" where there is no NVIDIA driver.
     */
    private static String linkProblem(String message) {
        if (message == null || message.isBlank()) {
            return "no details";
        }
        String marker = "UnsatisfiedLinkError: ";
        String problem = message.lines().findFirst().orElse(message).strip();
        for (String line : message.lines().toList()) {
            int at = line.indexOf(marker);
            if (at >= 0) {
                problem = line.substring(at + marker.length()).strip();
            }
        }
        int library = problem.indexOf(".so: ");
        return library >= 0 ? problem.substring(library + ".so: ".length()) : problem;
    }
}
