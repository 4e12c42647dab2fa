package io.ttastream.asr;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HuggingFaceCheckpointsTest {

    private static final String POS_CONV = "wav2vec2.encoder.pos_conv_embed.conv.";

    @TempDir
    Path dir;

    @Test
    void base960hNeedsItsPublishedParameters() {
        Map<String, int[]> shapes = HuggingFaceCheckpoints.expectedShapes(Wav2Vec2Config.base960h());
        // Wav2Vec2ForCTC base has 94,396,320 parameters, 768 of them the masked_spec_embed the forward never reads.
        long total = shapes.values().stream().mapToLong(s -> {
            long n = 1;
            for (int d : s) {
                n *= d;
            }
            return n;
        }).sum();
        assertEquals(94_396_320L - 768, total);
        assertEquals(212, shapes.size());
        assertArrayEquals(new int[]{512, 1, 10}, shapes.get("wav2vec2.feature_extractor.conv_layers.0.conv.weight"));
        assertArrayEquals(new int[]{512}, shapes.get("wav2vec2.feature_extractor.conv_layers.0.layer_norm.weight"));
        assertFalse(shapes.containsKey("wav2vec2.feature_extractor.conv_layers.1.layer_norm.weight"));
        assertFalse(shapes.containsKey("wav2vec2.feature_extractor.conv_layers.0.conv.bias"));
        assertArrayEquals(new int[]{1, 1, 128}, shapes.get(POS_CONV + "weight_g"));
        assertArrayEquals(new int[]{768, 48, 128}, shapes.get(POS_CONV + "weight_v"));
        assertArrayEquals(new int[]{3072, 768}, shapes.get("wav2vec2.encoder.layers.11.feed_forward.intermediate_dense.weight"));
        assertArrayEquals(new int[]{768, 512}, shapes.get("wav2vec2.feature_projection.projection.weight"));
        assertArrayEquals(new int[]{32, 768}, shapes.get("lm_head.weight"));
    }

    @Test
    void layerNormFeatureExtractorHasANormAfterEveryConv() {
        Map<String, int[]> shapes = HuggingFaceCheckpoints.expectedShapes(TestCheckpoints.tinyLarge());
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(new int[]{8}, shapes.get("wav2vec2.feature_extractor.conv_layers." + i + ".layer_norm.bias"));
            assertArrayEquals(new int[]{8}, shapes.get("wav2vec2.feature_extractor.conv_layers." + i + ".conv.bias"));
        }
    }

    @Test
    void float32RoundTripIsExact() throws IOException {
        for (Wav2Vec2Config config : new Wav2Vec2Config[]{TestCheckpoints.tinyBase(), TestCheckpoints.tinyLarge()}) {
            Checkpoint original = TestCheckpoints.random(config, 1);
            Path out = dir.resolve(config.featExtractNorm());
            HuggingFaceCheckpoints.save(original, out, Safetensors.DType.F32);
            assertTrue(Files.exists(out.resolve("preprocessor_config.json")));
            assertTrue(Files.readString(out.resolve("preprocessor_config.json")).contains("\"sampling_rate\" : 16000"));
            Checkpoint loaded = HuggingFaceCheckpoints.load(out);
            assertEquals(original.config(), loaded.config());
            assertEquals(original.vocabulary(), loaded.vocabulary());
            assertEquals(original.tensors(), loaded.tensors());
        }
    }

    @Test
    void float16RoundTripRoundsToHalves() throws IOException {
        Checkpoint original = TestCheckpoints.random(TestCheckpoints.tinyBase(), 2);
        String name = "lm_head.bias";
        float[] bias = original.tensor(name).data();
        bias[0] = 1f / 3;
        bias[1] = 0.1f;
        bias[2] = 1e-9f; // below half's smallest subnormal
        HuggingFaceCheckpoints.save(original, dir, Safetensors.DType.F16);
        Checkpoint loaded = HuggingFaceCheckpoints.load(dir);
        float[] back = loaded.tensor(name).data();
        assertEquals(0.333251953125f, back[0]);
        assertEquals(0.0999755859375f, back[1]);
        assertEquals(0f, back[2]);
        for (int i = 3; i < bias.length; i++) {
            assertEquals(bias[i], back[i]); // multiples of 1/1024 are exact halves
        }
        String weight = "wav2vec2.encoder.layers.1.attention.v_proj.weight";
        assertArrayEquals(original.tensor(weight).data(), loaded.tensor(weight).data());
    }

    @Test
    void canonicalisesWeightNormParametrizationsAndTheBasePrefix() throws IOException {
        Checkpoint original = TestCheckpoints.random(TestCheckpoints.tinyBase(), 3);
        Map<String, HostTensor> renamed = new LinkedHashMap<>();
        original.tensors().forEach((name, t) -> renamed.put(name
                .replace("conv.weight_g", "conv.parametrizations.weight.original0")
                .replace("conv.weight_v", "conv.parametrizations.weight.original1")
                .replaceFirst("^wav2vec2\\.", ""), t));
        assertTrue(renamed.containsKey("encoder.pos_conv_embed.conv.parametrizations.weight.original0"));
        // A pretraining checkpoint's extra tensors are skipped.
        renamed.put("quantizer.codevectors", HostTensor.zeros(1, 4, 2));
        renamed.put("project_hid.weight", HostTensor.zeros(2, 16));
        writeCheckpoint(original, renamed);

        List<String> logged = new ArrayList<>();
        Logger logger = Logger.getLogger(HuggingFaceCheckpoints.class.getName());
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(MessageFormat.format(record.getMessage(), record.getParameters()));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(capture);
        Checkpoint loaded;
        try {
            loaded = HuggingFaceCheckpoints.load(dir);
        } finally {
            logger.removeHandler(capture);
        }
        assertEquals(original.tensors(), loaded.tensors());
        assertEquals(1, logged.size(), logged.toString());
        assertTrue(logged.get(0).contains("quantizer.codevectors") && logged.get(0).contains("project_hid.weight"),
                logged.get(0));
        assertEquals(original.tensor(POS_CONV + "weight_g"), loaded.tensor(POS_CONV + "weight_g"));
    }

    @Test
    void keepsMaskedSpecEmbedWhenPresent() throws IOException {
        Checkpoint original = TestCheckpoints.random(TestCheckpoints.tinyBase(), 4);
        Map<String, HostTensor> withMask = new LinkedHashMap<>(original.tensors());
        withMask.put("wav2vec2.masked_spec_embed", new HostTensor(new int[]{16}, new float[16]));
        writeCheckpoint(original, withMask);
        assertTrue(HuggingFaceCheckpoints.load(dir).tensors().containsKey("wav2vec2.masked_spec_embed"));
    }

    @Test
    void missingTensorIsNamed() throws IOException {
        Checkpoint original = TestCheckpoints.random(TestCheckpoints.tinyBase(), 5);
        Map<String, HostTensor> tensors = new LinkedHashMap<>(original.tensors());
        tensors.remove("wav2vec2.encoder.layers.1.final_layer_norm.bias");
        writeCheckpoint(original, tensors);
        CheckpointException e = assertThrows(CheckpointException.class, () -> HuggingFaceCheckpoints.load(dir));
        assertTrue(e.getMessage().contains("missing tensor wav2vec2.encoder.layers.1.final_layer_norm.bias"), e.getMessage());
    }

    @Test
    void wrongShapeNamesTensorExpectedAndActual() throws IOException {
        Checkpoint original = TestCheckpoints.random(TestCheckpoints.tinyBase(), 6);
        Map<String, HostTensor> tensors = new LinkedHashMap<>(original.tensors());
        tensors.put("lm_head.weight", HostTensor.zeros(16, 6));
        writeCheckpoint(original, tensors);
        CheckpointException e = assertThrows(CheckpointException.class, () -> HuggingFaceCheckpoints.load(dir));
        assertTrue(e.getMessage().contains("lm_head.weight has shape [16, 6], expected [6, 16]"), e.getMessage());
    }

    @Test
    void unsupportedDtypeOfAUsedTensorIsNamed() throws IOException {
        Checkpoint original = TestCheckpoints.random(TestCheckpoints.tinyBase(), 7);
        writeCheckpoint(original, original.tensors());
        Files.write(dir.resolve("model.safetensors"), SafetensorsTest.handMade(
                "{\"lm_head.bias\":{\"dtype\":\"F64\",\"shape\":[6],\"data_offsets\":[0,48]}}", new byte[48]));
        CheckpointException e = assertThrows(CheckpointException.class, () -> HuggingFaceCheckpoints.load(dir));
        assertTrue(e.getMessage().contains("lm_head.bias") && e.getMessage().contains("F64"), e.getMessage());
    }

    @Test
    void rejectsOtherArchitecturesAndModelTypes() throws IOException {
        Checkpoint original = TestCheckpoints.random(TestCheckpoints.tinyBase(), 8);
        HuggingFaceCheckpoints.save(original, dir, Safetensors.DType.F32);
        String config = Files.readString(dir.resolve("config.json"));

        Files.writeString(dir.resolve("config.json"), config.replace("Wav2Vec2ForCTC", "Wav2Vec2ForPreTraining"));
        CheckpointException arch = assertThrows(CheckpointException.class, () -> HuggingFaceCheckpoints.load(dir));
        assertTrue(arch.getMessage().contains("Wav2Vec2ForPreTraining") && arch.getMessage().contains("config.json"),
                arch.getMessage());

        Files.writeString(dir.resolve("config.json"), config.replace("\"wav2vec2\"", "\"hubert\""));
        CheckpointException type = assertThrows(CheckpointException.class, () -> HuggingFaceCheckpoints.load(dir));
        assertTrue(type.getMessage().contains("hubert"), type.getMessage());
    }

    @Test
    void missingFilesAreNamed() throws IOException {
        CheckpointException noDir = assertThrows(CheckpointException.class,
                () -> HuggingFaceCheckpoints.load(dir.resolve("nowhere")));
        assertTrue(noDir.getMessage().contains("nowhere"), noDir.getMessage());

        HuggingFaceCheckpoints.save(TestCheckpoints.random(TestCheckpoints.tinyBase(), 9), dir, Safetensors.DType.F32);
        Files.delete(dir.resolve("model.safetensors"));
        CheckpointException noWeights = assertThrows(CheckpointException.class, () -> HuggingFaceCheckpoints.load(dir));
        assertTrue(noWeights.getMessage().contains("model.safetensors") && noWeights.getMessage().contains("pytorch_model.bin"),
                noWeights.getMessage());
        Files.delete(dir.resolve("vocab.json"));
        CheckpointException noVocab = assertThrows(CheckpointException.class, () -> HuggingFaceCheckpoints.load(dir));
        assertTrue(noVocab.getMessage().contains("vocab.json"), noVocab.getMessage());
        Files.delete(dir.resolve("config.json"));
        CheckpointException noConfig = assertThrows(CheckpointException.class, () -> HuggingFaceCheckpoints.load(dir));
        assertTrue(noConfig.getMessage().contains("config.json"), noConfig.getMessage());
    }

    @Test
    void saveRefusesAnIncompleteCheckpoint() {
        Checkpoint original = TestCheckpoints.random(TestCheckpoints.tinyBase(), 10);
        Map<String, HostTensor> tensors = new LinkedHashMap<>(original.tensors());
        tensors.remove("lm_head.bias");
        Checkpoint incomplete = new Checkpoint(original.config(), original.vocabulary(), tensors);
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> HuggingFaceCheckpoints.save(incomplete, dir.resolve("out"), Safetensors.DType.F32));
        assertTrue(e.getMessage().contains("lm_head.bias"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("out")));
    }

    /** Saves the checkpoint normally, then replaces its weights file with these tensors. */
    private void writeCheckpoint(Checkpoint checkpoint, Map<String, HostTensor> stored) throws IOException {
        HuggingFaceCheckpoints.save(checkpoint, dir, Safetensors.DType.F32);
        Safetensors.write(dir.resolve("model.safetensors"), stored, Safetensors.DType.F32);
    }
}
