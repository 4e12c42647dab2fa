package io.ttastream.asr;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
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

    /**
     * {@code (1 - weight) * this + weight * other}, parameter by parameter: the average of two models
     * fine-tuned from one ancestor (a "model soup"), which often keeps what each learnt. Averaging
     * unrelated models gives nonsense, which no check here can see.
     *
     * @throws IllegalArgumentException when the weight is outside [0, 1], or the two differ in config,
     *                                  vocabulary, or the names or shapes of their tensors
     */
    public Checkpoint interpolate(Checkpoint other, float weight) {
        if (!(weight >= 0 && weight <= 1)) {
            throw new IllegalArgumentException("weight must be in [0, 1], got " + weight);
        }
        if (!config.equals(other.config)) {
            throw new IllegalArgumentException("the two models have different configs");
        }
        if (!vocabulary.equals(other.vocabulary)) {
            throw new IllegalArgumentException("the two models have different vocabularies");
        }
        if (!tensors.keySet().equals(other.tensors.keySet())) {
            throw new IllegalArgumentException("the two models have different tensors: "
                    + onlyIn(tensors, other.tensors) + " only in the first, "
                    + onlyIn(other.tensors, tensors) + " only in the second");
        }
        Map<String, HostTensor> mixed = new LinkedHashMap<>();
        tensors.forEach((name, mine) -> {
            HostTensor theirs = other.tensors.get(name);
            if (!Arrays.equals(mine.shape(), theirs.shape())) {
                throw new IllegalArgumentException("tensor " + name + " has shape " + Arrays.toString(mine.shape())
                        + " in the first model and " + Arrays.toString(theirs.shape()) + " in the second");
            }
            float[] values = new float[mine.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = (1 - weight) * mine.data()[i] + weight * theirs.data()[i];
            }
            mixed.put(name, new HostTensor(mine.shape(), values));
        });
        return new Checkpoint(config, vocabulary, mixed);
    }

    private static List<String> onlyIn(Map<String, HostTensor> these, Map<String, HostTensor> those) {
        return these.keySet().stream().filter(name -> !those.containsKey(name)).toList();
    }
}
