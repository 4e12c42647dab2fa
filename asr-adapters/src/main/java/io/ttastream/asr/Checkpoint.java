package io.ttastream.asr;

import java.util.Map;
import java.util.Objects;

/**
 * A wav2vec2 CTC model as stored on disk: its config, its output vocabulary and its parameters,
 * keyed by Hugging Face parameter names such as
 * {@code wav2vec2.encoder.layers.3.attention.q_proj.weight} (see
 * {@link HuggingFaceCheckpoints#expectedShapes}).
 */
public record Checkpoint(Wav2Vec2Config config, Vocabulary vocabulary, Map<String, HostTensor> tensors) {

    public Checkpoint {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(vocabulary, "vocabulary");
        Objects.requireNonNull(tensors, "tensors");
    }

    /** The parameter with this name; throws naming it when the checkpoint lacks it. */
    public HostTensor tensor(String name) {
        HostTensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("checkpoint has no tensor " + name);
        }
        return t;
    }
}
