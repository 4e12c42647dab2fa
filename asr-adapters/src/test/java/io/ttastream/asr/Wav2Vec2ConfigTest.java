package io.ttastream.asr;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Wav2Vec2ConfigTest {

    /** facebook/wav2vec2-base-960h's config.json as published on the Hugging Face hub. */
    static final String BASE_960H_CONFIG = """
            {
              "_name_or_path": "facebook/wav2vec2-base-960h",
              "activation_dropout": 0.1, "apply_spec_augment": true,
              "architectures": ["Wav2Vec2ForCTC"],
              "attention_dropout": 0.1, "bos_token_id": 1, "codevector_dim": 256,
              "contrastive_logits_temperature": 0.1, "conv_bias": false,
              "conv_dim": [512, 512, 512, 512, 512, 512, 512],
              "conv_kernel": [10, 3, 3, 3, 3, 2, 2],
              "conv_stride": [5, 2, 2, 2, 2, 2, 2],
              "ctc_loss_reduction": "sum", "ctc_zero_infinity": false, "diversity_loss_weight": 0.1,
              "do_stable_layer_norm": false, "eos_token_id": 2, "feat_extract_activation": "gelu",
              "feat_extract_dropout": 0.0, "feat_extract_norm": "group", "feat_proj_dropout": 0.1,
              "feat_quantizer_dropout": 0.0, "final_dropout": 0.1, "gradient_checkpointing": false,
              "hidden_act": "gelu", "hidden_dropout": 0.1, "hidden_dropout_prob": 0.1, "hidden_size": 768,
              "initializer_range": 0.02, "intermediate_size": 3072, "layer_norm_eps": 1e-05, "layerdrop": 0.1,
              "mask_feature_length": 10, "mask_feature_prob": 0.0, "mask_time_length": 10, "mask_time_prob": 0.05,
              "model_type": "wav2vec2", "num_attention_heads": 12, "num_codevector_groups": 2,
              "num_codevectors_per_group": 320, "num_conv_pos_embedding_groups": 16, "num_conv_pos_embeddings": 128,
              "num_feat_extract_layers": 7, "num_hidden_layers": 12, "num_negatives": 100, "pad_token_id": 0,
              "proj_codevector_dim": 256, "transformers_version": "4.7.0.dev0", "vocab_size": 32
            }""";

    @Test
    void readsTheBase960hConfig() {
        Wav2Vec2Config config = Wav2Vec2Config.fromJson(BASE_960H_CONFIG);
        assertEquals(Wav2Vec2Config.base960h(), config);
        assertEquals(768, config.hiddenSize());
        assertEquals(7, config.numFeatExtractLayers());
        assertArrayEquals(new int[]{10, 3, 3, 3, 3, 2, 2}, config.convKernel());
        assertEquals("group", config.featExtractNorm());
        assertFalse(config.doStableLayerNorm());
        assertTrue(config.featProjLayerNorm());
        assertEquals(1e-5, config.layerNormEps());
        assertEquals(320, config.samplesPerFrame());
    }

    @Test
    void missingKeysTakeTransformersDefaults() {
        Wav2Vec2Config config = Wav2Vec2Config.fromJson("{\"hidden_size\": 1024, \"num_attention_heads\": 16,"
                + " \"feat_extract_norm\": \"layer\", \"do_stable_layer_norm\": true}");
        assertEquals(1024, config.hiddenSize());
        assertEquals(16, config.numAttentionHeads());
        assertEquals(32, config.vocabSize());
        assertEquals(12, config.numHiddenLayers());
        assertEquals(3072, config.intermediateSize());
        assertArrayEquals(new int[]{512, 512, 512, 512, 512, 512, 512}, config.convDim());
        assertArrayEquals(new int[]{5, 2, 2, 2, 2, 2, 2}, config.convStride());
        assertFalse(config.convBias());
        assertEquals(128, config.numConvPosEmbeddings());
        assertEquals(16, config.numConvPosEmbeddingGroups());
        assertEquals(0, config.padTokenId());
        assertTrue(config.doStableLayerNorm());
        assertEquals("layer", config.featExtractNorm());
    }

    @Test
    void jsonRoundTrip() {
        Wav2Vec2Config tiny = new Wav2Vec2Config(7, 16, 2, 4, 32, "gelu", "layer", new int[]{8, 8},
                new int[]{5, 3}, new int[]{4, 2}, true, 4, 2, true, 1e-6, true, 3);
        String json = tiny.toJson();
        assertTrue(json.contains("\"model_type\" : \"wav2vec2\""), json);
        assertTrue(json.contains("Wav2Vec2ForCTC"), json);
        assertEquals(tiny, Wav2Vec2Config.fromJson(json));
    }

    @Test
    void rejectsInconsistentConfigs() {
        assertThrows(IllegalArgumentException.class, () -> Wav2Vec2Config.fromJson("{\"feat_extract_norm\": \"batch\"}"));
        assertThrows(IllegalArgumentException.class, () -> Wav2Vec2Config.fromJson("{\"conv_kernel\": [10, 3]}"));
        assertThrows(IllegalArgumentException.class, () -> Wav2Vec2Config.fromJson("{\"num_attention_heads\": 5}"));
        assertThrows(IllegalArgumentException.class, () -> Wav2Vec2Config.fromJson("{\"pad_token_id\": 32}"));
        assertThrows(IllegalArgumentException.class, () -> Wav2Vec2Config.fromJson("{not json"));
    }
}
