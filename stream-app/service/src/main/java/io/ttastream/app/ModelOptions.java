package io.ttastream.app;

import io.ttastream.kernels.Backend;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;

/** Options shared by every command that loads the recogniser. */
final class ModelOptions {

    @Option(names = "--model", paramLabel = "DIR",
            description = "Hugging Face Wav2Vec2ForCTC checkpoint directory (config.json, vocab.json, "
                    + "model.safetensors). Default: the project's source model, models/source.")
    Path model;

    @Mixin
    DeviceOptions device;

    /** The backend --device and --threads ask for. */
    Backend backend() {
        return device.backend();
    }

    /** The checkpoint directory to load: --model, else the bundled source model. */
    Path modelDirectory() {
        if (model != null) {
            return model;
        }
        Path bundled = Home.path("models", "source");
        if (!Files.isDirectory(bundled)) {
            throw new IllegalStateException("no --model given and no bundled source model at " + bundled
                    + " (bin/tta finds the project's models/source; with java -jar, give -Dtta.home=PROJECT or --model DIR)");
        }
        return bundled;
    }
}
