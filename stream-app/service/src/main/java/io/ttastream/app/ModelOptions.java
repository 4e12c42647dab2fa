package io.ttastream.app;

import io.ttastream.kernels.Backend;
import io.ttastream.kernels.Backends;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;

/** Options shared by every command that loads the recogniser. */
final class ModelOptions {

    @Option(names = "--model", paramLabel = "DIR",
            description = "Hugging Face Wav2Vec2ForCTC checkpoint directory (config.json, vocab.json, "
                    + "model.safetensors). Default: the project's source model, models/source.")
    Path model;

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

    /** The checkpoint directory to load: --model, else the bundled source model. */
    Path modelDirectory() {
        if (model != null) {
            return model;
        }
        Path bundled = Home.path("models", "source");
        if (!Files.isDirectory(bundled)) {
            throw new IllegalStateException("no --model given and no bundled source model at " + bundled
                    + " (the project's trained model lands with the source-model work)");
        }
        return bundled;
    }
}
