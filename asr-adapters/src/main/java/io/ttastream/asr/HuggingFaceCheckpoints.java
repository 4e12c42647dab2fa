package io.ttastream.asr;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Reads and writes Hugging Face Wav2Vec2ForCTC checkpoint directories: config.json, vocab.json
 * and model.safetensors (F32, F16 or BF16). Parameter names are kept as Hugging Face writes them,
 * with two spellings made one: the weight-normed positional convolution's newer
 * "parametrizations.weight.original0/1" become "weight_g/weight_v", and names saved without the
 * "wav2vec2." base-model prefix get it.
 */
public final class HuggingFaceCheckpoints {
    private static final Logger LOG = Logger.getLogger(HuggingFaceCheckpoints.class.getName());
    public static final String CONFIG = "config.json";
    public static final String VOCAB = "vocab.json";
    public static final String WEIGHTS = "model.safetensors";

    private HuggingFaceCheckpoints() {
    }

    public static Checkpoint load(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new CheckpointException("checkpoint directory not found: " + dir);
        }
        Wav2Vec2Config config = Wav2Vec2Config.fromJson(readRequired(dir, CONFIG));
        Vocabulary vocabulary = Vocabulary.fromJson(readRequired(dir, VOCAB), config.padTokenId());
        if (vocabulary.size() != config.vocabSize()) {
            throw new CheckpointException(dir.resolve(VOCAB) + " has " + vocabulary.size()
                    + " tokens but config.json says vocab_size " + config.vocabSize());
        }
        Path weights = dir.resolve(WEIGHTS);
        if (!Files.isRegularFile(weights)) {
            String hint = Files.isRegularFile(dir.resolve("pytorch_model.bin"))
                    ? " (only pytorch_model.bin is there: convert it to safetensors, e.g. with transformers' save_pretrained)"
                    : "";
            throw new CheckpointException("missing " + weights + hint);
        }
        Map<String, HostTensor> stored = new LinkedHashMap<>();
        Safetensors.read(weights).forEach((name, tensor) -> stored.put(canonicalName(name), tensor));
        return new Checkpoint(config, vocabulary, select(weights, config, stored));
    }

    /** Writes config.json, vocab.json, preprocessor_config.json and model.safetensors. */
    public static void save(Checkpoint checkpoint, Path dir, Safetensors.DType dtype) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(CONFIG), checkpoint.config().toJson(), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve(VOCAB), checkpoint.vocabulary().toJson(), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("preprocessor_config.json"), """
                {
                  "do_normalize": true,
                  "feature_extractor_type": "Wav2Vec2FeatureExtractor",
                  "feature_size": 1,
                  "padding_side": "right",
                  "padding_value": 0.0,
                  "return_attention_mask": false,
                  "sampling_rate": 16000
                }
                """, StandardCharsets.UTF_8);
        Safetensors.write(dir.resolve(WEIGHTS), checkpoint.tensors(), dtype);
    }

    /** The name and shape of every parameter Wav2Vec2ForCTC has under this config. */
    public static Map<String, int[]> expectedShapes(Wav2Vec2Config c) {
        Map<String, int[]> shapes = new LinkedHashMap<>();
        int in = 1;
        for (int i = 0; i < c.numFeatExtractLayers(); i++) {
            String layer = "wav2vec2.feature_extractor.conv_layers." + i;
            int out = c.convDim()[i];
            shapes.put(layer + ".conv.weight", new int[]{out, in, c.convKernel()[i]});
            if (c.convBias()) {
                shapes.put(layer + ".conv.bias", new int[]{out});
            }
            if (c.featExtractNorm().equals("layer") || i == 0) {
                shapes.put(layer + ".layer_norm.weight", new int[]{out});
                shapes.put(layer + ".layer_norm.bias", new int[]{out});
            }
            in = out;
        }
        int h = c.hiddenSize();
        if (c.featProjLayerNorm()) {
            shapes.put("wav2vec2.feature_projection.layer_norm.weight", new int[]{in});
            shapes.put("wav2vec2.feature_projection.layer_norm.bias", new int[]{in});
        }
        shapes.put("wav2vec2.feature_projection.projection.weight", new int[]{h, in});
        shapes.put("wav2vec2.feature_projection.projection.bias", new int[]{h});
        shapes.put("wav2vec2.encoder.pos_conv_embed.conv.weight_g", new int[]{1, 1, c.numConvPosEmbeddings()});
        shapes.put("wav2vec2.encoder.pos_conv_embed.conv.weight_v",
                new int[]{h, h / c.numConvPosEmbeddingGroups(), c.numConvPosEmbeddings()});
        shapes.put("wav2vec2.encoder.pos_conv_embed.conv.bias", new int[]{h});
        shapes.put("wav2vec2.encoder.layer_norm.weight", new int[]{h});
        shapes.put("wav2vec2.encoder.layer_norm.bias", new int[]{h});
        for (int l = 0; l < c.numHiddenLayers(); l++) {
            String layer = "wav2vec2.encoder.layers." + l;
            for (String proj : List.of("q_proj", "k_proj", "v_proj", "out_proj")) {
                shapes.put(layer + ".attention." + proj + ".weight", new int[]{h, h});
                shapes.put(layer + ".attention." + proj + ".bias", new int[]{h});
            }
            shapes.put(layer + ".layer_norm.weight", new int[]{h});
            shapes.put(layer + ".layer_norm.bias", new int[]{h});
            shapes.put(layer + ".feed_forward.intermediate_dense.weight", new int[]{c.intermediateSize(), h});
            shapes.put(layer + ".feed_forward.intermediate_dense.bias", new int[]{c.intermediateSize()});
            shapes.put(layer + ".feed_forward.output_dense.weight", new int[]{h, c.intermediateSize()});
            shapes.put(layer + ".feed_forward.output_dense.bias", new int[]{h});
            shapes.put(layer + ".final_layer_norm.weight", new int[]{h});
            shapes.put(layer + ".final_layer_norm.bias", new int[]{h});
        }
        shapes.put("lm_head.weight", new int[]{c.vocabSize(), h});
        shapes.put("lm_head.bias", new int[]{c.vocabSize()});
        return shapes;
    }

    static String canonicalName(String name) {
        String n = name.replace(".parametrizations.weight.original0", ".weight_g")
                .replace(".parametrizations.weight.original1", ".weight_v");
        if (!n.startsWith("wav2vec2.") && !n.startsWith("lm_head.")) {
            n = "wav2vec2." + n;
        }
        return n;
    }

    /** Checks every expected tensor is there with its shape; drops (and names) what the CTC model does not use. */
    private static Map<String, HostTensor> select(Path file, Wav2Vec2Config config, Map<String, HostTensor> stored)
            throws CheckpointException {
        Map<String, HostTensor> selected = new LinkedHashMap<>();
        for (Map.Entry<String, int[]> e : expectedShapes(config).entrySet()) {
            HostTensor t = stored.get(e.getKey());
            if (t == null) {
                throw new CheckpointException(file + ": missing tensor " + e.getKey());
            }
            if (!Arrays.equals(t.shape(), e.getValue())) {
                throw new CheckpointException(file + ": tensor " + e.getKey() + " has shape "
                        + Arrays.toString(t.shape()) + ", expected " + Arrays.toString(e.getValue()));
            }
            selected.put(e.getKey(), t);
        }
        List<String> unused = new ArrayList<>(stored.keySet());
        unused.removeAll(selected.keySet());
        unused.remove("wav2vec2.masked_spec_embed");
        if (!unused.isEmpty()) {
            LOG.info(() -> file + ": ignoring " + unused.size() + " tensors the CTC model does not use, e.g. " + unused.get(0));
        }
        return selected;
    }

    private static String readRequired(Path dir, String name) throws IOException {
        Path file = dir.resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException("missing " + file + " (a Hugging Face Wav2Vec2ForCTC directory has "
                    + CONFIG + ", " + VOCAB + " and " + WEIGHTS + ")");
        }
        return Files.readString(file, StandardCharsets.UTF_8);
    }
}
