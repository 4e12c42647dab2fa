package io.ttastream.app;

import io.ttastream.adaptation.model.RandomCheckpoint;
import io.ttastream.adaptation.model.Wav2Vec2Model;
import io.ttastream.asr.AdaptationDefaults;
import io.ttastream.asr.Checkpoint;
import io.ttastream.asr.HuggingFaceCheckpoints;
import io.ttastream.asr.Vocabulary;
import io.ttastream.kernels.Backend;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.stream.Stream;

/** A checkpoint, the adaptation settings its folder recommends, and a backend, for the commands that transcribe. */
final class Recogniser implements AutoCloseable {
    private final Backend backend;
    private final Checkpoint checkpoint;
    private final AdaptationDefaults adaptationDefaults;
    private final String modelId;

    /**
     * A recogniser that owns {@code backend} (closing it closes the backend); {@code modelId} names the checkpoint
     * for the weight store (see {@link #modelId(Path)}).
     */
    Recogniser(Checkpoint checkpoint, AdaptationDefaults adaptationDefaults, Backend backend, String modelId) {
        this.backend = backend;
        this.checkpoint = checkpoint;
        this.adaptationDefaults = adaptationDefaults;
        this.modelId = modelId;
    }

    static Recogniser load(Path modelDir, Backend backend) throws IOException {
        return new Recogniser(HuggingFaceCheckpoints.load(modelDir), AdaptationDefaults.read(modelDir), backend,
                modelId(modelDir));
    }

    /**
     * A randomly initialised tiny wav2vec2 (seed 1): what the demo and the load test run when no checkpoint is
     * there, where the stream layer, not the transcripts, is the point.
     */
    static Recogniser randomTiny(Backend backend, String modelId) {
        return new Recogniser(RandomCheckpoint.create(RandomCheckpoint.tinyConfig(), 1), AdaptationDefaults.NONE, backend, modelId);
    }

    /**
     * Names the checkpoint by its folder and a digest of its files, so that a weight store written for
     * one model refuses to restore adapted weights into another, even one saved under the same name.
     */
    static String modelId(Path modelDir) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
        try (Stream<Path> files = Files.list(modelDir)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                digest.update(file.getFileName().toString().getBytes(StandardCharsets.UTF_8));
                try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
                    in.transferTo(OutputStream.nullOutputStream());
                }
            }
        }
        return modelDir.toAbsolutePath().normalize().getFileName() + "-" + HexFormat.of().formatHex(digest.digest(), 0, 6);
    }

    /** The checkpoint's identity for the weight store (see {@link #modelId(Path)}). */
    String modelId() {
        return modelId;
    }

    /**
     * A fresh model on the backend. Each strategy gets its own: continual strategies keep their
     * adapted weights in the model between utterances, which must not leak into a neighbour.
     */
    Wav2Vec2Model newModel() {
        return new Wav2Vec2Model(backend, checkpoint);
    }

    /** What the checkpoint's folder recommends for adaptation (see {@link AdaptationDefaults}). */
    AdaptationDefaults adaptationDefaults() {
        return adaptationDefaults;
    }

    /** The checkpoint's output vocabulary. */
    Vocabulary vocabulary() {
        return checkpoint.vocabulary();
    }

    String device() {
        return backend.name();
    }

    @Override
    public void close() {
        backend.close();
    }
}
