package io.ttastream.app;

import io.ttastream.adaptation.Transcriber;
import io.ttastream.adaptation.model.Wav2Vec2Model;
import io.ttastream.asr.HuggingFaceCheckpoints;
import io.ttastream.kernels.CpuBackend;

import java.io.IOException;
import java.nio.file.Path;

/** Loads a checkpoint onto a backend for the commands that transcribe. */
final class Recogniser implements AutoCloseable {
    private final CpuBackend backend;
    private final Transcriber transcriber;

    private Recogniser(CpuBackend backend, Transcriber transcriber) {
        this.backend = backend;
        this.transcriber = transcriber;
    }

    static Recogniser load(Path modelDir, int threads) throws IOException {
        CpuBackend backend = new CpuBackend(threads);
        try {
            return new Recogniser(backend, new Transcriber(new Wav2Vec2Model(backend, HuggingFaceCheckpoints.load(modelDir))));
        } catch (IOException | RuntimeException e) {
            backend.close();
            throw e;
        }
    }

    Transcriber transcriber() {
        return transcriber;
    }

    @Override
    public void close() {
        backend.close();
    }
}
