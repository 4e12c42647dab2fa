package io.ttastream.asr;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Objects;

/**
 * The fields of a Hugging Face {@code Wav2Vec2Config} (config.json) that the CTC model's shape and
 * forward pass depend on. Dropout, masking and pretraining fields are training-time details and
 * are not kept.
 *
 * <p>A key missing from config.json takes the default of transformers' {@code Wav2Vec2Config}
 * (the wav2vec2-base architecture), so a config.json written by any transformers version reads
 * the same way it does there.
 *
 * @param featExtractNorm "group": a GroupNorm (one group per channel) after conv layer 0 only,
 *                        as in base models; "layer": a LayerNorm over channels after every conv
 *                        layer, as in large/lv60 models
 * @param doStableLayerNorm false: post-norm transformer layers, the encoder LayerNorm before the
 *                          layers (base); true: pre-norm layers, the encoder LayerNorm after them
 * @param featProjLayerNorm whether the feature projection starts with a LayerNorm (always true
 *                          for wav2vec2; the key exists for HuBERT-style configs)
 * @param padTokenId        the pad token, which CTC uses as its blank
 */
public record Wav2Vec2Config(int vocabSize, int hiddenSize, int numHiddenLayers, int numAttentionHeads,
                             int intermediateSize, String hiddenAct, String featExtractNorm,
                             int[] convDim, int[] convKernel, int[] convStride, boolean convBias,
                             int numConvPosEmbeddings, int numConvPosEmbeddingGroups, boolean doStableLayerNorm,
                             double layerNormEps, boolean featProjLayerNorm, int padTokenId) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public Wav2Vec2Config {
        Objects.requireNonNull(hiddenAct, "hiddenAct");
        Objects.requireNonNull(featExtractNorm, "featExtractNorm");
        convDim = convDim.clone();
        convKernel = convKernel.clone();
        convStride = convStride.clone();
        if (!featExtractNorm.equals("group") && !featExtractNorm.equals("layer")) {
            throw new IllegalArgumentException("feat_extract_norm must be \"group\" or \"layer\", got \"" + featExtractNorm + "\"");
        }
        if (convDim.length == 0 || convDim.length != convKernel.length || convDim.length != convStride.length) {
            throw new IllegalArgumentException("conv_dim, conv_kernel and conv_stride need the same non-zero length, got "
                    + convDim.length + ", " + convKernel.length + ", " + convStride.length);
        }
        if (hiddenSize % numAttentionHeads != 0) {
            throw new IllegalArgumentException("hidden_size " + hiddenSize + " is not divisible by num_attention_heads "
                    + numAttentionHeads);
        }
        if (hiddenSize % numConvPosEmbeddingGroups != 0) {
            throw new IllegalArgumentException("hidden_size " + hiddenSize
                    + " is not divisible by num_conv_pos_embedding_groups " + numConvPosEmbeddingGroups);
        }
        if (padTokenId < 0 || padTokenId >= vocabSize) {
            throw new IllegalArgumentException("pad_token_id " + padTokenId + " is outside the vocabulary of " + vocabSize);
        }
    }

    /** The defaults of transformers' Wav2Vec2Config: the wav2vec2-base architecture with 32 tokens. */
    public static Wav2Vec2Config defaults() {
        return new Wav2Vec2Config(32, 768, 12, 12, 3072, "gelu", "group",
                new int[]{512, 512, 512, 512, 512, 512, 512}, new int[]{10, 3, 3, 3, 3, 2, 2},
                new int[]{5, 2, 2, 2, 2, 2, 2}, false, 128, 16, false, 1e-5, true, 0);
    }

    /** The config of facebook/wav2vec2-base-960h, which is exactly the defaults. */
    public static Wav2Vec2Config base960h() {
        return defaults();
    }

    /** Number of conv layers in the feature extractor. */
    public int numFeatExtractLayers() {
        return convDim.length;
    }

    /** Audio samples per output frame: the product of the conv strides (320 for wav2vec2). */
    public int samplesPerFrame() {
        int product = 1;
        for (int s : convStride) {
            product *= s;
        }
        return product;
    }

    @Override
    public int[] convDim() {
        return convDim.clone();
    }

    @Override
    public int[] convKernel() {
        return convKernel.clone();
    }

    @Override
    public int[] convStride() {
        return convStride.clone();
    }

    /** Reads a config.json text; see {@link #fromJson(JsonNode)}. */
    public static Wav2Vec2Config fromJson(String json) {
        try {
            return fromJson(JSON.readTree(json));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("config is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Reads the fields from a parsed config.json; missing keys take transformers' defaults. */
    public static Wav2Vec2Config fromJson(JsonNode json) {
        Wav2Vec2Config d = defaults();
        return new Wav2Vec2Config(
                json.path("vocab_size").asInt(d.vocabSize),
                json.path("hidden_size").asInt(d.hiddenSize),
                json.path("num_hidden_layers").asInt(d.numHiddenLayers),
                json.path("num_attention_heads").asInt(d.numAttentionHeads),
                json.path("intermediate_size").asInt(d.intermediateSize),
                json.path("hidden_act").asText(d.hiddenAct),
                json.path("feat_extract_norm").asText(d.featExtractNorm),
                intArray(json, "conv_dim", d.convDim),
                intArray(json, "conv_kernel", d.convKernel),
                intArray(json, "conv_stride", d.convStride),
                json.path("conv_bias").asBoolean(d.convBias),
                json.path("num_conv_pos_embeddings").asInt(d.numConvPosEmbeddings),
                json.path("num_conv_pos_embedding_groups").asInt(d.numConvPosEmbeddingGroups),
                json.path("do_stable_layer_norm").asBoolean(d.doStableLayerNorm),
                json.path("layer_norm_eps").asDouble(d.layerNormEps),
                json.path("feat_proj_layer_norm").asBoolean(d.featProjLayerNorm),
                json.path("pad_token_id").asInt(d.padTokenId));
    }

    private static int[] intArray(JsonNode json, String key, int[] fallback) {
        JsonNode node = json.get(key);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isArray()) {
            throw new IllegalArgumentException(key + " must be a list of integers, got " + node);
        }
        int[] values = new int[node.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = node.get(i).asInt();
        }
        return values;
    }

    /**
     * The config as a Hugging Face config.json object: these fields plus the model type and
     * architecture, so that transformers loads it as a Wav2Vec2ForCTC.
     */
    public ObjectNode toJsonNode() {
        ObjectNode json = JSON.createObjectNode();
        json.putArray("architectures").add("Wav2Vec2ForCTC");
        json.put("model_type", "wav2vec2");
        json.put("vocab_size", vocabSize);
        json.put("hidden_size", hiddenSize);
        json.put("num_hidden_layers", numHiddenLayers);
        json.put("num_attention_heads", numAttentionHeads);
        json.put("intermediate_size", intermediateSize);
        json.put("hidden_act", hiddenAct);
        json.put("feat_extract_norm", featExtractNorm);
        json.put("feat_extract_activation", "gelu");
        json.put("num_feat_extract_layers", numFeatExtractLayers());
        putArray(json, "conv_dim", convDim);
        putArray(json, "conv_kernel", convKernel);
        putArray(json, "conv_stride", convStride);
        json.put("conv_bias", convBias);
        json.put("num_conv_pos_embeddings", numConvPosEmbeddings);
        json.put("num_conv_pos_embedding_groups", numConvPosEmbeddingGroups);
        json.put("do_stable_layer_norm", doStableLayerNorm);
        json.put("layer_norm_eps", layerNormEps);
        json.put("feat_proj_layer_norm", featProjLayerNorm);
        json.put("pad_token_id", padTokenId);
        return json;
    }

    /** {@link #toJsonNode()} as indented JSON text. */
    public String toJson() {
        try {
            return JSON.writeValueAsString(toJsonNode());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void putArray(ObjectNode json, String key, int[] values) {
        ArrayNode array = json.putArray(key);
        for (int v : values) {
            array.add(v);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Wav2Vec2Config c && vocabSize == c.vocabSize && hiddenSize == c.hiddenSize
                && numHiddenLayers == c.numHiddenLayers && numAttentionHeads == c.numAttentionHeads
                && intermediateSize == c.intermediateSize && hiddenAct.equals(c.hiddenAct)
                && featExtractNorm.equals(c.featExtractNorm) && Arrays.equals(convDim, c.convDim)
                && Arrays.equals(convKernel, c.convKernel) && Arrays.equals(convStride, c.convStride)
                && convBias == c.convBias && numConvPosEmbeddings == c.numConvPosEmbeddings
                && numConvPosEmbeddingGroups == c.numConvPosEmbeddingGroups
                && doStableLayerNorm == c.doStableLayerNorm && layerNormEps == c.layerNormEps
                && featProjLayerNorm == c.featProjLayerNorm && padTokenId == c.padTokenId;
    }

    @Override
    public int hashCode() {
        return Objects.hash(vocabSize, hiddenSize, numHiddenLayers, numAttentionHeads, intermediateSize, hiddenAct,
                featExtractNorm, Arrays.hashCode(convDim), Arrays.hashCode(convKernel), Arrays.hashCode(convStride),
                convBias, numConvPosEmbeddings, numConvPosEmbeddingGroups, doStableLayerNorm, layerNormEps,
                featProjLayerNorm, padTokenId);
    }

    @Override
    public String toString() {
        return toJsonNode().toString();
    }
}
