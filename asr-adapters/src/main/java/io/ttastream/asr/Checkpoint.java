package io.ttastream.asr;

import java.util.Map;

/**
 * A Wav2Vec2ForCTC checkpoint in memory: the network's config, its vocabulary and its parameters
 * keyed by Hugging Face names ("wav2vec2.encoder.layers.0.attention.q_proj.weight", "lm_head.bias").
 */
public record Checkpoint(Wav2Vec2Config config, Vocabulary vocabulary, Map<String, HostTensor> tensors) {
}
