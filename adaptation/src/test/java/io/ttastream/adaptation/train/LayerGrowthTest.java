package io.ttastream.adaptation.train;

import io.ttastream.adaptation.model.RandomCheckpoint;
import io.ttastream.adaptation.model.Wav2Vec2Model;
import io.ttastream.asr.Checkpoint;
import io.ttastream.asr.HostTensor;
import io.ttastream.asr.HuggingFaceCheckpoints;
import io.ttastream.asr.Safetensors;
import io.ttastream.asr.Wav2Vec2Config;
import io.ttastream.kernels.CpuBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LayerGrowthTest {
    private static final CpuBackend BACKEND = new CpuBackend(2);

    @TempDir
    Path dir;

    @AfterAll
    static void close() {
        BACKEND.close();
    }

    /** A pre-LN (lv60 layout) model whose every tensor, biases and norms included, is random. */
    private static Checkpoint preLnModel(int layers) {
        Wav2Vec2Config config = new Wav2Vec2Config(32, 32, layers, 4, 64, "gelu", "layer",
                new int[]{16, 16, 16, 16, 16, 16, 16}, new int[]{10, 3, 3, 3, 3, 2, 2},
                new int[]{5, 2, 2, 2, 2, 2, 2}, true, 16, 4, true, 1e-5, true, 0);
        Checkpoint random = RandomCheckpoint.create(config, 11);
        Random noise = new Random(12);
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        random.tensors().forEach((name, t) -> {
            float[] data = t.data().clone();
            for (int i = 0; i < data.length; i++) {
                data[i] += (float) (0.1 * noise.nextGaussian());
            }
            tensors.put(name, new HostTensor(t.shape(), data));
        });
        return new Checkpoint(config, random.vocabulary(), tensors);
    }

    private static float[] speech(int samples) {
        Random random = new Random(13);
        float[] x = new float[samples];
        for (int i = 0; i < samples; i++) {
            x[i] = (float) (Math.sin(i * 0.05) + 0.3 * random.nextGaussian());
        }
        return x;
    }

    @Test
    void aDeepenedModelGivesTheSameLogitsAndSurvivesTheHuggingFaceRoundTrip() throws Exception {
        Checkpoint original = preLnModel(2);
        Checkpoint deeper = LayerGrowth.deepen(original, 6);
        assertEquals(6, deeper.config().numHiddenLayers());
        assertEquals(HuggingFaceCheckpoints.expectedShapes(deeper.config()).keySet().size() + 1, deeper.tensors().size(),
                "every parameter of a 6-layer model, and masked_spec_embed");

        HuggingFaceCheckpoints.save(deeper, dir, Safetensors.DType.F32);
        Checkpoint loaded = HuggingFaceCheckpoints.load(dir);
        assertEquals(6, loaded.config().numHiddenLayers());

        float[] input = speech(8000);
        float[] expected = new Wav2Vec2Model(BACKEND, original).logits(input);
        float[] actual = new Wav2Vec2Model(BACKEND, loaded).logits(input);
        // Identity layers add exact zeros; only the fused residual-add + layer norm rounds differently (last bits).
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-5 * (1 + Math.abs(expected[i])), "logit " + i);
        }
        float[] shallower = new Wav2Vec2Model(BACKEND, LayerGrowth.deepen(preLnModel(1), 6)).logits(input);
        assertTrue(Math.abs(shallower[0] - expected[0]) > 1e-3, "a different model gives other logits");
    }

    @Test
    void originalLayersMoveDownAndTheirCopiesStartSilent() {
        Checkpoint original = preLnModel(2);
        Checkpoint deeper = LayerGrowth.deepen(original, 4);
        String q = ".attention.q_proj.weight";
        String out = ".attention.out_proj.bias";
        String ffn = ".feed_forward.output_dense.weight";
        // Layer 1 of the original is layer 2 of the grown model, followed by its copy, layer 3.
        assertArrayEquals(original.tensor(layer(1) + q).data(), deeper.tensor(layer(2) + q).data());
        assertArrayEquals(original.tensor(layer(1) + q).data(), deeper.tensor(layer(3) + q).data());
        assertArrayEquals(original.tensor(layer(1) + out).data(), deeper.tensor(layer(2) + out).data());
        for (String projection : new String[]{out, ffn, ".attention.out_proj.weight", ".feed_forward.output_dense.bias"}) {
            for (float v : deeper.tensor(layer(3) + projection).data()) {
                assertEquals(0f, v, projection);
            }
        }
        // Copies are independent arrays: training one layer must not move its twin.
        deeper.tensor(layer(3) + q).data()[0] += 1;
        assertFalse(deeper.tensor(layer(2) + q).data()[0] == deeper.tensor(layer(3) + q).data()[0]);
    }

    @Test
    void postLnModelsAndDepthsThatAreNoMultipleAreRefusedWithTheReason() {
        Checkpoint postLn = RandomCheckpoint.create(RandomCheckpoint.tinyConfig(), 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LayerGrowth.deepen(postLn, 4));
        assertTrue(e.getMessage().contains("pre-LN"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LayerGrowth.deepen(preLnModel(2), 5));
        assertTrue(e.getMessage().contains("multiple"), e.getMessage());
    }

    private static String layer(int i) {
        return "wav2vec2.encoder.layers." + i;
    }
}
