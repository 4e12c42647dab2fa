package io.ttastream.app;

import io.ttastream.adaptation.model.Wav2Vec2Model;
import io.ttastream.asr.Checkpoint;
import io.ttastream.asr.HuggingFaceCheckpoints;
import io.ttastream.kernels.CpuBackend;

import java.io.IOException;
import java.nio.file.Path;

/** A checkpoint and a backend, for the commands that transcribe. */
final class Recogniser implements AutoCloseable {
    private final CpuBackend backend;
    private final Checkpoint checkpoint;

    Recogniser(Checkpoint checkpoint, int threads) {
        this.backend = new CpuBackend(threads);
        this.checkpoint = checkpoint;
    }

    static Recogniser load(Path modelDir, int threads) throws IOException {
        return new Recogniser(HuggingFaceCheckpoints.load(modelDir), threads);
    }

    /**
     * A fresh model on the backend. Each strategy gets its own: continual strategies keep their
     * adapted weights in the model between utterances, which must not leak into a neighbour.
     */
    Wav2Vec2Model newModel() {
        return new Wav2Vec2Model(backend, checkpoint);
    }

    String device() {
        return backend.name();
    }

    @Override
    public void close() {
        backend.close();
    }
}
