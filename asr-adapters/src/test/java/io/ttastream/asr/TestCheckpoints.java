package io.ttastream.asr;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** Tiny random checkpoints for tests. */
final class TestCheckpoints {

    private TestCheckpoints() {
    }

    /** A small base-style model: GroupNorm feature extractor, post-norm layers. */
    static Wav2Vec2Config tinyBase() {
        return new Wav2Vec2Config(6, 16, 2, 2, 32, "gelu", "group", new int[]{8, 8, 8},
                new int[]{10, 3, 2}, new int[]{5, 2, 2}, false, 4, 2, false, 1e-5, true, 0);
    }

    /** A small large/lv60-style model: LayerNorm after every conv, conv bias, pre-norm layers. */
    static Wav2Vec2Config tinyLarge() {
        return new Wav2Vec2Config(6, 16, 2, 2, 32, "gelu", "layer", new int[]{8, 8, 8},
                new int[]{10, 3, 2}, new int[]{5, 2, 2}, true, 4, 2, true, 1e-5, true, 0);
    }

    static Vocabulary tinyVocabulary() {
        return Vocabulary.of(java.util.List.of("<pad>", "|", "A", "B", "C", "'"), 0);
    }

    /**
     * Every expected tensor filled with random multiples of 1/1024 in [-1, 1]: exactly
     * representable in float16, so an F16 round trip must return them unchanged.
     */
    static Checkpoint random(Wav2Vec2Config config, long seed) {
        Random random = new Random(seed);
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        HuggingFaceCheckpoints.expectedShapes(config).forEach((name, shape) -> {
            HostTensor t = HostTensor.zeros(shape);
            for (int i = 0; i < t.size(); i++) {
                t.data()[i] = (random.nextInt(2049) - 1024) / 1024f;
            }
            tensors.put(name, t);
        });
        return new Checkpoint(config, tinyVocabulary(), tensors);
    }
}
