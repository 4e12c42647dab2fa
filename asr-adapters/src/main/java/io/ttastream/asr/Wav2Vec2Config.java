package io.ttastream.asr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The fields of Hugging Face's Wav2Vec2Config that define a Wav2Vec2ForCTC network. Keys missing
 * from a config.json take transformers' defaults (which are wav2vec2-base's).
 */
public record Wav2Vec2Config(int vocabSize, int hiddenSize, int numHiddenLayers, int numAttentionHeads,
                             int intermediateSize, String hiddenAct, String featExtractNorm,
                             int[] convDim, int[] convKernel, int[] convStride, boolean convBias,
                             int numConvPosEmbeddings, int numConvPosEmbeddingGroups, boolean doStableLayerNorm,
                             double layerNormEps, boolean featProjLayerNorm, int padTokenId) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public Wav2Vec2Config {
        if (convDim.length != convKernel.length || convDim.length != convStride.length) {
            throw new IllegalArgumentException("conv_dim, conv_kernel and conv_stride must have the same length");
        }
        if (!featExtractNorm.equals("group") && !featExtractNorm.equals("layer")) {
            throw new IllegalArgumentException("feat_extract_norm must be 'group' or 'layer', not '" + featExtractNorm + "'");
        }
        if (hiddenSize % numAttentionHeads != 0) {
            throw new IllegalArgumentException("hidden_size " + hiddenSize + " is not divisible by "
                    + numAttentionHeads + " attention heads");
        }
        if (!hiddenAct.equals("gelu")) {
            throw new IllegalArgumentException("hidden_act '" + hiddenAct + "' is not supported (only 'gelu')");
        }
    }

    public int numFeatExtractLayers() {
        return convDim.length;
    }

    /** facebook/wav2vec2-base-960h, as its config.json states it. */
    public static Wav2Vec2Config base960h() {
        return new Wav2Vec2Config(32, 768, 12, 12, 3072, "gelu", "group",
                new int[]{512, 512, 512, 512, 512, 512, 512}, new int[]{10, 3, 3, 3, 3, 2, 2},
                new int[]{5, 2, 2, 2, 2, 2, 2}, false, 128, 16, false, 1e-5, true, 0);
    }

    /** Parses a config.json; the architecture must be a wav2vec2 CTC model. */
    public static Wav2Vec2Config fromJson(String json) throws CheckpointException {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (Exception e) {
            throw new CheckpointException("config.json is not valid JSON: " + e.getMessage(), e);
        }
        String modelType = root.path("model_type").asText("");
        if (!modelType.equals("wav2vec2")) {
            throw new CheckpointException("unsupported model_type '" + modelType + "': only wav2vec2 checkpoints load");
        }
        JsonNode architectures = root.path("architectures");
        if (architectures.isArray() && architectures.size() > 0) {
            boolean ctc = false;
            for (JsonNode a : architectures) {
                ctc |= a.asText().equals("Wav2Vec2ForCTC");
            }
            if (!ctc) {
                throw new CheckpointException("unsupported architecture " + architectures
                        + ": tta-stream needs a Wav2Vec2ForCTC checkpoint (a CTC head over a vocabulary)");
            }
        }
        Wav2Vec2Config d = base960h();
        try {
            return new Wav2Vec2Config(
                    root.path("vocab_size").asInt(d.vocabSize),
                    root.path("hidden_size").asInt(d.hiddenSize),
                    root.path("num_hidden_layers").asInt(d.numHiddenLayers),
                    root.path("num_attention_heads").asInt(d.numAttentionHeads),
                    root.path("intermediate_size").asInt(d.intermediateSize),
                    root.path("hidden_act").asText(d.hiddenAct),
                    root.path("feat_extract_norm").asText(d.featExtractNorm),
                    ints(root, "conv_dim", d.convDim),
                    ints(root, "conv_kernel", d.convKernel),
                    ints(root, "conv_stride", d.convStride),
                    root.path("conv_bias").asBoolean(d.convBias),
                    root.path("num_conv_pos_embeddings").asInt(d.numConvPosEmbeddings),
                    root.path("num_conv_pos_embedding_groups").asInt(d.numConvPosEmbeddingGroups),
                    root.path("do_stable_layer_norm").asBoolean(d.doStableLayerNorm),
                    root.path("layer_norm_eps").asDouble(d.layerNormEps),
                    root.path("feat_proj_layer_norm").asBoolean(d.featProjLayerNorm),
                    root.path("pad_token_id").asInt(d.padTokenId));
        } catch (IllegalArgumentException e) {
            throw new CheckpointException("config.json: " + e.getMessage(), e);
        }
    }

    private static int[] ints(JsonNode root, String key, int[] fallback) {
        JsonNode node = root.get(key);
        if (node == null || !node.isArray()) {
            return fallback.clone();
        }
        int[] out = new int[node.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = node.get(i).asInt();
        }
        return out;
    }

    /** A config.json that transformers' Wav2Vec2Config.from_pretrained reads back. */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.putArray("architectures").add("Wav2Vec2ForCTC");
        root.put("model_type", "wav2vec2");
        root.put("vocab_size", vocabSize);
        root.put("hidden_size", hiddenSize);
        root.put("num_hidden_layers", numHiddenLayers);
        root.put("num_attention_heads", numAttentionHeads);
        root.put("intermediate_size", intermediateSize);
        root.put("hidden_act", hiddenAct);
        root.put("feat_extract_norm", featExtractNorm);
        root.put("feat_extract_activation", "gelu");
        putInts(root.putArray("conv_dim"), convDim);
        putInts(root.putArray("conv_kernel"), convKernel);
        putInts(root.putArray("conv_stride"), convStride);
        root.put("conv_bias", convBias);
        root.put("num_feat_extract_layers", convDim.length);
        root.put("num_conv_pos_embeddings", numConvPosEmbeddings);
        root.put("num_conv_pos_embedding_groups", numConvPosEmbeddingGroups);
        root.put("do_stable_layer_norm", doStableLayerNorm);
        root.put("layer_norm_eps", layerNormEps);
        root.put("feat_proj_layer_norm", featProjLayerNorm);
        root.put("pad_token_id", padTokenId);
        root.put("bos_token_id", 1);
        root.put("eos_token_id", 2);
        root.put("ctc_loss_reduction", "sum");
        root.put("ctc_zero_infinity", false);
        root.put("hidden_dropout", 0.1);
        root.put("activation_dropout", 0.1);
        root.put("attention_dropout", 0.1);
        root.put("feat_proj_dropout", 0.1);
        root.put("final_dropout", 0.1);
        root.put("layerdrop", 0.1);
        root.put("mask_time_prob", 0.05);
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void putInts(ArrayNode array, int[] values) {
        for (int v : values) {
            array.add(v);
        }
    }
}
