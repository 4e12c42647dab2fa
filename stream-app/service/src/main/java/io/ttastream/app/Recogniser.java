package io.ttastream.app;

import io.ttastream.adaptation.model.Wav2Vec2Model;
import io.ttastream.asr.Checkpoint;
import io.ttastream.asr.HuggingFaceCheckpoints;
import io.ttastream.kernels.CpuBackend;

import java.io.IOException;
import java.nio.file.Path;

/** A checkpoint loaded onto a backend, for the commands that transcribe. */
final class Recogniser implements AutoCloseable {
    private final CpuBackend backend;
    private final Wav2Vec2Model model;

    Recogniser(Checkpoint checkpoint, int threads) {
        this.backend = new CpuBackend(threads);
        this.model = new Wav2Vec2Model(backend, checkpoint);
    }

    static Recogniser load(Path modelDir, int threads) throws IOException {
        return new Recogniser(HuggingFaceCheckpoints.load(modelDir), threads);
    }

    Wav2Vec2Model model() {
        return model;
    }

    String device() {
        return backend.name();
    }

    @Override
    public void close() {
        backend.close();
    }
}
