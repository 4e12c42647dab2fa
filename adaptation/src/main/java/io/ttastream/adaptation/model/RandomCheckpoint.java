package io.ttastream.adaptation.model;

import io.ttastream.asr.Checkpoint;
import io.ttastream.asr.HostTensor;
import io.ttastream.asr.HuggingFaceCheckpoints;
import io.ttastream.asr.Vocabulary;
import io.ttastream.asr.Wav2Vec2Config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * A freshly initialised Wav2Vec2ForCTC checkpoint: the starting point of training and the stand-in
 * for real weights in speed benchmarks. Norm scales start at 1 and biases at 0; every other weight
 * is normal with standard deviation 1 / sqrt(fan-in), which keeps activations of order one.
 */
public final class RandomCheckpoint {
    private RandomCheckpoint() {
    }

    /** A small config of the real architecture (7 convolutions, 2 layers) for tests and smoke runs. */
    public static Wav2Vec2Config tinyConfig() {
        return new Wav2Vec2Config(32, 32, 2, 4, 64, "gelu", "group",
                new int[]{16, 16, 16, 16, 16, 16, 16}, new int[]{10, 3, 3, 3, 3, 2, 2},
                new int[]{5, 2, 2, 2, 2, 2, 2}, false, 16, 4, false, 1e-5, true, 0);
    }

    public static Checkpoint create(Wav2Vec2Config config, long seed) {
        Random random = new Random(seed);
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, int[]> e : HuggingFaceCheckpoints.expectedShapes(config).entrySet()) {
            String name = e.getKey();
            int[] shape = e.getValue();
            float[] data = HostTensor.zeros(shape).data();
            if (name.endsWith("weight_g") || (name.contains("layer_norm") && name.endsWith(".weight"))) {
                java.util.Arrays.fill(data, 1f);
            } else if (!name.endsWith(".bias")) {
                int fanIn = data.length / shape[0];
                double std = 1 / Math.sqrt(fanIn);
                for (int i = 0; i < data.length; i++) {
                    data[i] = (float) (random.nextGaussian() * std);
                }
            }
            tensors.put(name, new HostTensor(shape, data));
        }
        // Hugging Face draws the masking vector uniformly from [0, 1).
        float[] maskEmbedding = new float[config.hiddenSize()];
        for (int i = 0; i < maskEmbedding.length; i++) {
            maskEmbedding[i] = random.nextFloat();
        }
        tensors.put(Wav2Vec2Model.MASK_EMBEDDING, new HostTensor(new int[]{config.hiddenSize()}, maskEmbedding));
        return new Checkpoint(config, Vocabulary.base960h(), tensors);
    }
}
