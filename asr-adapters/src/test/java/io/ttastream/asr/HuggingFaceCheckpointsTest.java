package io.ttastream.asr;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HuggingFaceCheckpointsTest {
    @TempDir
    Path dir;

    private static Wav2Vec2Config tiny(String norm, boolean stable) {
        return new Wav2Vec2Config(32, 8, 1, 2, 16, "gelu", norm, new int[]{4, 4}, new int[]{10, 3},
                new int[]{5, 2}, norm.equals("layer"), 4, 2, stable, 1e-5, true, 0);
    }

    private static Checkpoint random(Wav2Vec2Config config) {
        Random random = new Random(3);
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        HuggingFaceCheckpoints.expectedShapes(config).forEach((name, shape) -> {
            float[] data = new float[HostTensor.size(shape)];
            for (int i = 0; i < data.length; i++) {
                data[i] = (float) random.nextGaussian();
            }
            tensors.put(name, new HostTensor(shape, data));
        });
        return new Checkpoint(config, Vocabulary.englishCharacters(), tensors);
    }

    @Test
    void savesAndLoadsBothNormVariantsInFloat32Exactly() throws IOException {
        for (Wav2Vec2Config config : new Wav2Vec2Config[]{tiny("group", false), tiny("layer", true)}) {
            Checkpoint original = random(config);
            Path out = dir.resolve(config.featExtractNorm());
            HuggingFaceCheckpoints.save(original, out, Safetensors.DType.F32);
            Checkpoint loaded = HuggingFaceCheckpoints.load(out);
            assertEquals(config.featExtractNorm(), loaded.config().featExtractNorm());
            assertEquals(config.doStableLayerNorm(), loaded.config().doStableLayerNorm());
            assertEquals(config.convBias(), loaded.config().convBias());
            assertArrayEquals(config.convDim(), loaded.config().convDim());
            assertEquals(original.tensors().keySet(), loaded.tensors().keySet());
            original.tensors().forEach((name, t) -> {
                assertArrayEquals(t.shape(), loaded.tensors().get(name).shape(), name);
                assertArrayEquals(t.data(), loaded.tensors().get(name).data(), name);
            });
            assertEquals("<pad>", loaded.vocabulary().token(loaded.vocabulary().blankId()));
            assertEquals(4, loaded.vocabulary().id("|"));
        }
    }

    @Test
    void float16AndBfloat16StoreRoundedValues() throws IOException {
        Map<String, HostTensor> tensors = Map.of("x", new HostTensor(new int[]{5},
                new float[]{1f, -2.5f, 0.1f, 65504f, 3.0e-6f}));
        Path f16 = dir.resolve("f16.safetensors");
        Safetensors.write(f16, tensors, Safetensors.DType.F16);
        // Nearest IEEE half values: 0.1 -> 0.0999755859375, 3e-6 -> subnormal 2.98023223876953125e-6 (50 * 2^-24).
        assertArrayEquals(new float[]{1f, -2.5f, 0.0999755859375f, 65504f, 50 * 0x1p-24f},
                Safetensors.read(f16).get("x").data());
        Path bf16 = dir.resolve("bf16.safetensors");
        Safetensors.write(bf16, tensors, Safetensors.DType.BF16);
        float[] b = Safetensors.read(bf16).get("x").data();
        assertEquals(0.10009765625f, b[2]); // bf16 keeps 8 mantissa bits
        assertEquals(65536f, b[3]);
    }

    @Test
    void canonicalisesNewerWeightNormNamesAndMissingPrefix() {
        assertEquals("wav2vec2.encoder.pos_conv_embed.conv.weight_g",
                HuggingFaceCheckpoints.canonicalName("wav2vec2.encoder.pos_conv_embed.conv.parametrizations.weight.original0"));
        assertEquals("wav2vec2.encoder.pos_conv_embed.conv.weight_v",
                HuggingFaceCheckpoints.canonicalName("encoder.pos_conv_embed.conv.parametrizations.weight.original1"));
        assertEquals("lm_head.bias", HuggingFaceCheckpoints.canonicalName("lm_head.bias"));
    }

    @Test
    void loadsCheckpointWhoseNamesUseParametrizations() throws IOException {
        Checkpoint original = random(tiny("group", false));
        Map<String, HostTensor> renamed = new LinkedHashMap<>();
        original.tensors().forEach((name, t) -> renamed.put(
                name.replace(".weight_g", ".parametrizations.weight.original0")
                        .replace(".weight_v", ".parametrizations.weight.original1"), t));
        HuggingFaceCheckpoints.save(new Checkpoint(original.config(), original.vocabulary(), renamed), dir, Safetensors.DType.F32);
        Checkpoint loaded = HuggingFaceCheckpoints.load(dir);
        assertTrue(loaded.tensors().containsKey("wav2vec2.encoder.pos_conv_embed.conv.weight_g"));
    }

    @Test
    void clearErrorsForMissingFilesWrongArchitectureAndWrongShapes() throws IOException {
        CheckpointException missingDir = assertThrows(CheckpointException.class,
                () -> HuggingFaceCheckpoints.load(dir.resolve("nope")));
        assertTrue(missingDir.getMessage().contains("not found"), missingDir.getMessage());

        Checkpoint original = random(tiny("group", false));
        HuggingFaceCheckpoints.save(original, dir, Safetensors.DType.F32);
        Files.delete(dir.resolve("model.safetensors"));
        CheckpointException missingWeights = assertThrows(CheckpointException.class, () -> HuggingFaceCheckpoints.load(dir));
        assertTrue(missingWeights.getMessage().contains("model.safetensors"), missingWeights.getMessage());

        Files.writeString(dir.resolve("config.json"),
                Files.readString(dir.resolve("config.json")).replace("Wav2Vec2ForCTC", "Wav2Vec2ForPreTraining"));
        CheckpointException architecture = assertThrows(CheckpointException.class, () -> HuggingFaceCheckpoints.load(dir));
        assertTrue(architecture.getMessage().contains("Wav2Vec2ForCTC"), architecture.getMessage());

        Map<String, HostTensor> wrong = new LinkedHashMap<>(original.tensors());
        wrong.put("lm_head.weight", new HostTensor(new int[]{32, 7}, new float[32 * 7]));
        HuggingFaceCheckpoints.save(new Checkpoint(original.config(), original.vocabulary(), wrong), dir, Safetensors.DType.F32);
        CheckpointException shape = assertThrows(CheckpointException.class, () -> HuggingFaceCheckpoints.load(dir));
        assertTrue(shape.getMessage().contains("lm_head.weight") && shape.getMessage().contains("[32, 8]"), shape.getMessage());

        wrong.remove("lm_head.weight");
        HuggingFaceCheckpoints.save(new Checkpoint(original.config(), original.vocabulary(), wrong), dir, Safetensors.DType.F32);
        CheckpointException missing = assertThrows(CheckpointException.class, () -> HuggingFaceCheckpoints.load(dir));
        assertTrue(missing.getMessage().contains("missing tensor lm_head.weight"), missing.getMessage());
    }

    @Test
    void base960hConfigJsonParsesToTheKnownArchitecture() throws IOException {
        // The keys of facebook/wav2vec2-base-960h's config.json that shape the network.
        String json = """
                {"architectures": ["Wav2Vec2ForCTC"], "model_type": "wav2vec2", "vocab_size": 32,
                 "hidden_size": 768, "num_hidden_layers": 12, "num_attention_heads": 12, "intermediate_size": 3072,
                 "hidden_act": "gelu", "feat_extract_norm": "group", "conv_bias": false,
                 "conv_dim": [512, 512, 512, 512, 512, 512, 512], "conv_kernel": [10, 3, 3, 3, 3, 2, 2],
                 "conv_stride": [5, 2, 2, 2, 2, 2, 2], "num_conv_pos_embeddings": 128,
                 "num_conv_pos_embedding_groups": 16, "do_stable_layer_norm": false, "layer_norm_eps": 1e-05,
                 "pad_token_id": 0, "gradient_checkpointing": false}""";
        Wav2Vec2Config c = Wav2Vec2Config.fromJson(json);
        assertEquals(Wav2Vec2Config.base960h().toJson(), c.toJson());
        // 7 convs + GroupNorm (9), projection + its LayerNorm (4), pos conv (3), encoder LayerNorm (2),
        // 12 layers x 16, lm_head (2).
        assertEquals(212, HuggingFaceCheckpoints.expectedShapes(c).size());
    }
}
