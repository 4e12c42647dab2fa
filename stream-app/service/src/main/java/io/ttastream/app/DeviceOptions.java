package io.ttastream.app;

import io.ttastream.kernels.Backend;
import io.ttastream.kernels.Backends;
import picocli.CommandLine.Option;

/** Where the math runs: options shared by every command that computes with a backend. */
final class DeviceOptions {

    @Option(names = "--threads", paramLabel = "N", description = "CPU threads (default: all cores).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--device", paramLabel = "cpu|cuda|auto",
            description = "Where the model runs: cpu, cuda (the first GPU, or fail saying why) or auto (the GPU when "
                    + "there is one, else the CPU with one log line saying why). Default: ${DEFAULT-VALUE}, until the "
                    + "CUDA backend has passed its parity checks on a GPU.")
    String device = "cpu";

    /** The backend --device and --threads ask for. */
    Backend backend() {
        return Backends.create(device, threads);
    }
}
