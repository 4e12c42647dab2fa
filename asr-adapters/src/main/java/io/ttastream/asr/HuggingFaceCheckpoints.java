package io.ttastream.asr;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Loads and saves Hugging Face {@code Wav2Vec2ForCTC} checkpoint directories, as
 * {@code save_pretrained} writes them: config.json, vocab.json and the weights in
 * model.safetensors (F32, F16 or BF16) or else pytorch_model.bin.
 *
 * <p>Parameter names are canonicalised on load so that the rest of the code sees one naming:
 * <ul>
 *   <li>The positional conv's weight norm, which newer PyTorch stores as
 *       {@code pos_conv_embed.conv.parametrizations.weight.original0/1}, becomes
 *       {@code pos_conv_embed.conv.weight_g/weight_v}.</li>
 *   <li>A bare {@code Wav2Vec2Model} naming ({@code encoder.layers...}) gets the
 *       {@code wav2vec2.} prefix of the CTC model.</li>
 * </ul>
 * Tensors the CTC model does not use (a pretraining checkpoint's quantizer, project_hid, ...) are
 * skipped and named in one log line.
 */
public final class HuggingFaceCheckpoints {

    public static final String CONFIG_FILE = "config.json";
    public static final String VOCAB_FILE = "vocab.json";
    public static final String SAFETENSORS_FILE = "model.safetensors";
    public static final String PYTORCH_FILE = "pytorch_model.bin";

    private static final String BASE = "wav2vec2.";
    /** Saved when SpecAugment masking was configured; the CTC forward never reads it. */
    private static final String MASKED_SPEC_EMBED = BASE + "masked_spec_embed";
    private static final System.Logger LOG = System.getLogger(HuggingFaceCheckpoints.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private HuggingFaceCheckpoints() {
    }

    /**
     * Reads a checkpoint directory. Every tensor of {@link #expectedShapes} must be present with
     * its exact shape; {@code wav2vec2.masked_spec_embed} is kept when present.
     *
     * @throws CheckpointException naming the file or tensor when something is missing, of the
     *                             wrong shape or dtype, or not a wav2vec2 CTC model
     */
    public static Checkpoint load(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new CheckpointException("checkpoint directory not found: " + dir);
        }
        Wav2Vec2Config config = readConfig(dir.resolve(CONFIG_FILE));
        Vocabulary vocabulary = Vocabulary.fromJson(dir.resolve(VOCAB_FILE), config.padTokenId());
        if (vocabulary.size() > config.vocabSize()) {
            throw new CheckpointException(dir.resolve(VOCAB_FILE) + " has " + vocabulary.size()
                    + " tokens but config.json's vocab_size is " + config.vocabSize());
        }

        Map<String, int[]> expected = expectedShapes(config);
        Map<String, int[]> wanted = new LinkedHashMap<>(expected);
        wanted.put(MASKED_SPEC_EMBED, new int[]{config.hiddenSize()});
        List<String> ignored = new ArrayList<>();
        Map<String, HostTensor> stored = readWeights(dir, name -> {
            boolean used = wanted.containsKey(canonicalName(name, wanted));
            if (!used) {
                ignored.add(name);
            }
            return used;
        });
        if (!ignored.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "{0}: ignoring {1} tensors the CTC model does not use: {2}",
                    dir, ignored.size(), ignored);
        }

        Map<String, HostTensor> byCanonicalName = new LinkedHashMap<>();
        for (Map.Entry<String, HostTensor> entry : stored.entrySet()) {
            String name = canonicalName(entry.getKey(), wanted);
            if (byCanonicalName.put(name, entry.getValue()) != null) {
                throw new CheckpointException(dir + ": tensor " + name + " is stored twice (as " + entry.getKey()
                        + " and under another name)");
            }
        }
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, int[]> entry : wanted.entrySet()) {
            String name = entry.getKey();
            HostTensor t = byCanonicalName.get(name);
            if (t == null) {
                if (name.equals(MASKED_SPEC_EMBED)) {
                    continue;
                }
                throw new CheckpointException(dir + ": missing tensor " + name + " (expected shape "
                        + Arrays.toString(entry.getValue()) + ")");
            }
            if (!t.hasShape(entry.getValue())) {
                throw new CheckpointException(dir + ": tensor " + name + " has shape " + Arrays.toString(t.shape())
                        + ", expected " + Arrays.toString(entry.getValue()));
            }
            tensors.put(name, t);
        }
        return new Checkpoint(config, vocabulary, tensors);
    }

    /** Reads config.json and checks that it describes a wav2vec2 CTC model. */
    public static Wav2Vec2Config readConfig(Path file) throws IOException {
        JsonNode json;
        try {
            json = JSON.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new CheckpointException("config file not found: " + file, e);
        } catch (JsonProcessingException e) {
            throw new CheckpointException(file + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
        String modelType = json.path("model_type").asText("");
        if (!modelType.equals("wav2vec2")) {
            throw new CheckpointException(file + ": unsupported model_type \"" + modelType + "\" (expected \"wav2vec2\")");
        }
        JsonNode architectures = json.get("architectures");
        if (architectures != null && !architectures.isNull() && !contains(architectures, "Wav2Vec2ForCTC")) {
            throw new CheckpointException(file + ": unsupported architectures " + architectures
                    + " (expected Wav2Vec2ForCTC)");
        }
        try {
            return Wav2Vec2Config.fromJson(json);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(file + ": " + e.getMessage(), e);
        }
    }

    private static boolean contains(JsonNode array, String value) {
        for (JsonNode element : array) {
            if (element.asText().equals(value)) {
                return true;
            }
        }
        return false;
    }

    private static Map<String, HostTensor> readWeights(Path dir, Predicate<String> include)
            throws IOException {
        Path safetensors = dir.resolve(SAFETENSORS_FILE);
        if (Files.exists(safetensors)) {
            return Safetensors.read(safetensors, include);
        }
        Path pytorch = dir.resolve(PYTORCH_FILE);
        if (Files.exists(pytorch)) {
            return PyTorchCheckpoints.read(pytorch, include);
        }
        throw new CheckpointException(dir + ": no weights file (" + SAFETENSORS_FILE + " or " + PYTORCH_FILE + ")");
    }

    /**
     * The name a stored tensor has in the CTC model: weight-norm parametrizations renamed to
     * weight_g/weight_v, and the {@code wav2vec2.} prefix added when the file lacks it.
     */
    static String canonicalName(String stored, Map<String, ?> known) {
        String name = stored
                .replace(".parametrizations.weight.original0", ".weight_g")
                .replace(".parametrizations.weight.original1", ".weight_v");
        if (!known.containsKey(name) && known.containsKey(BASE + name)) {
            name = BASE + name;
        }
        return name;
    }

    /**
     * The name and shape of every parameter the CTC forward pass needs, in model order, with
     * PyTorch layouts (Linear [out, in], Conv1d [out, in / groups, kernel]).
     */
    public static Map<String, int[]> expectedShapes(Wav2Vec2Config config) {
        Map<String, int[]> shapes = new LinkedHashMap<>();
        int[] convDim = config.convDim();
        int[] convKernel = config.convKernel();
        int hidden = config.hiddenSize();
        for (int i = 0; i < convDim.length; i++) {
            String conv = BASE + "feature_extractor.conv_layers." + i + ".";
            int inChannels = i == 0 ? 1 : convDim[i - 1];
            shapes.put(conv + "conv.weight", new int[]{convDim[i], inChannels, convKernel[i]});
            if (config.convBias()) {
                shapes.put(conv + "conv.bias", new int[]{convDim[i]});
            }
            // "group": one GroupNorm after the first conv; "layer": a LayerNorm after each. Both are named layer_norm.
            if (config.featExtractNorm().equals("layer") || i == 0) {
                shapes.put(conv + "layer_norm.weight", new int[]{convDim[i]});
                shapes.put(conv + "layer_norm.bias", new int[]{convDim[i]});
            }
        }
        int features = convDim[convDim.length - 1];
        if (config.featProjLayerNorm()) {
            shapes.put(BASE + "feature_projection.layer_norm.weight", new int[]{features});
            shapes.put(BASE + "feature_projection.layer_norm.bias", new int[]{features});
        }
        shapes.put(BASE + "feature_projection.projection.weight", new int[]{hidden, features});
        shapes.put(BASE + "feature_projection.projection.bias", new int[]{hidden});

        String posConv = BASE + "encoder.pos_conv_embed.conv.";
        int posKernel = config.numConvPosEmbeddings();
        shapes.put(posConv + "weight_g", new int[]{1, 1, posKernel}); // weight norm over dim 2 (the kernel axis)
        shapes.put(posConv + "weight_v", new int[]{hidden, hidden / config.numConvPosEmbeddingGroups(), posKernel});
        shapes.put(posConv + "bias", new int[]{hidden});
        shapes.put(BASE + "encoder.layer_norm.weight", new int[]{hidden});
        shapes.put(BASE + "encoder.layer_norm.bias", new int[]{hidden});

        int inner = config.intermediateSize();
        for (int l = 0; l < config.numHiddenLayers(); l++) {
            String layer = BASE + "encoder.layers." + l + ".";
            for (String projection : List.of("q_proj", "k_proj", "v_proj", "out_proj")) {
                shapes.put(layer + "attention." + projection + ".weight", new int[]{hidden, hidden});
                shapes.put(layer + "attention." + projection + ".bias", new int[]{hidden});
            }
            shapes.put(layer + "layer_norm.weight", new int[]{hidden});
            shapes.put(layer + "layer_norm.bias", new int[]{hidden});
            shapes.put(layer + "feed_forward.intermediate_dense.weight", new int[]{inner, hidden});
            shapes.put(layer + "feed_forward.intermediate_dense.bias", new int[]{inner});
            shapes.put(layer + "feed_forward.output_dense.weight", new int[]{hidden, inner});
            shapes.put(layer + "feed_forward.output_dense.bias", new int[]{hidden});
            shapes.put(layer + "final_layer_norm.weight", new int[]{hidden});
            shapes.put(layer + "final_layer_norm.bias", new int[]{hidden});
        }
        shapes.put("lm_head.weight", new int[]{config.vocabSize(), hidden});
        shapes.put("lm_head.bias", new int[]{config.vocabSize()});
        return shapes;
    }

    /**
     * Writes a checkpoint directory that transformers' {@code Wav2Vec2ForCTC.from_pretrained} and
     * {@code Wav2Vec2Processor.from_pretrained} load: config.json, vocab.json,
     * tokenizer_config.json, preprocessor_config.json and model.safetensors with every tensor
     * stored as {@code dtype}.
     *
     * @throws CheckpointException when a tensor is missing or has the wrong shape (nothing is written)
     */
    public static void save(Checkpoint checkpoint, Path dir, Safetensors.DType dtype) throws IOException {
        Map<String, int[]> expected = expectedShapes(checkpoint.config());
        for (Map.Entry<String, int[]> entry : expected.entrySet()) {
            HostTensor t = checkpoint.tensors().get(entry.getKey());
            if (t == null) {
                throw new CheckpointException("cannot save: missing tensor " + entry.getKey());
            }
            if (!t.hasShape(entry.getValue())) {
                throw new CheckpointException("cannot save: tensor " + entry.getKey() + " has shape "
                        + Arrays.toString(t.shape()) + ", expected " + Arrays.toString(entry.getValue()));
            }
        }
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(CONFIG_FILE), checkpoint.config().toJson());
        Vocabulary vocabulary = checkpoint.vocabulary();
        Files.writeString(dir.resolve(VOCAB_FILE), vocabulary.toJson());
        Files.writeString(dir.resolve("tokenizer_config.json"), tokenizerConfig(vocabulary));
        Files.writeString(dir.resolve("preprocessor_config.json"), preprocessorConfig());
        Safetensors.write(dir.resolve(SAFETENSORS_FILE), checkpoint.tensors(), dtype);
    }

    private static String tokenizerConfig(Vocabulary vocabulary) {
        ObjectNode json = JSON.createObjectNode();
        json.put("tokenizer_class", "Wav2Vec2CTCTokenizer");
        json.put("pad_token", vocabulary.token(vocabulary.blankId()));
        for (String[] special : new String[][]{{"unk_token", "<unk>"}, {"bos_token", "<s>"}, {"eos_token", "</s>"}}) {
            if (vocabulary.contains(special[1])) {
                json.put(special[0], special[1]);
            }
        }
        json.put("word_delimiter_token", vocabulary.wordDelimiter());
        json.put("do_lower_case", false);
        return json.toPrettyString();
    }

    /** The front end's settings as facebook/wav2vec2-base-960h states them: 16 kHz mono, normalised. */
    private static String preprocessorConfig() {
        ObjectNode json = JSON.createObjectNode();
        json.put("feature_extractor_type", "Wav2Vec2FeatureExtractor");
        json.put("processor_class", "Wav2Vec2Processor");
        json.put("do_normalize", true);
        json.put("feature_size", 1);
        json.put("padding_side", "right");
        json.put("padding_value", 0.0);
        json.put("return_attention_mask", false);
        json.put("sampling_rate", 16000);
        return json.toPrettyString();
    }
}
