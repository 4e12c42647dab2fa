package io.ttastream.adaptation.train;

import io.ttastream.asr.Checkpoint;
import io.ttastream.asr.HostTensor;
import io.ttastream.asr.Wav2Vec2Config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Makes a trained model deeper without changing what it computes, so that training can go on with more
 * transformer layers instead of starting again from scratch.
 *
 * <p>In a pre-LN layer both blocks add their output to the residual stream: {@code x + out(f(LN(x)))}. With the
 * output projections ({@code attention.out_proj}, {@code feed_forward.output_dense}) set to zero, a layer is the
 * identity, and the grown model gives the same logits as the original. Each original layer is followed by such
 * layers; their other weights are copies of the layer before them, so their attention and feed-forward features are
 * useful from the first step, when the zero projections start to learn how much of them to add. A post-LN layer
 * normalises the residual sum itself and is never the identity, so base-layout models cannot be grown this way.
 */
public final class LayerGrowth {
    private static final String LAYERS = "wav2vec2.encoder.layers.";
    private static final String[] OUTPUT_PROJECTIONS = {".attention.out_proj.", ".feed_forward.output_dense."};

    private LayerGrowth() {
    }

    /**
     * The checkpoint with {@code layers} transformer layers: original layer i becomes layer {@code i * k}
     * ({@code k = layers / original}) and is followed by {@code k - 1} identity layers.
     */
    public static Checkpoint deepen(Checkpoint checkpoint, int layers) {
        Wav2Vec2Config config = checkpoint.config();
        int original = config.numHiddenLayers();
        if (!config.doStableLayerNorm()) {
            throw new IllegalArgumentException("only pre-LN (do_stable_layer_norm) models can be deepened: a post-LN "
                    + "layer normalises its residual sum, so no choice of weights makes it the identity");
        }
        if (layers < original || layers % original != 0) {
            throw new IllegalArgumentException("cannot grow " + original + " layers to " + layers
                    + ": the new depth must be a multiple of the old one");
        }
        int factor = layers / original;
        Map<String, HostTensor> grown = new LinkedHashMap<>();
        for (Map.Entry<String, HostTensor> entry : checkpoint.tensors().entrySet()) {
            String name = entry.getKey();
            if (!name.startsWith(LAYERS)) {
                grown.put(name, entry.getValue());
                continue;
            }
            int dot = name.indexOf('.', LAYERS.length());
            int layer = Integer.parseInt(name.substring(LAYERS.length(), dot));
            String rest = name.substring(dot);
            for (int copy = 0; copy < factor; copy++) {
                HostTensor tensor = entry.getValue();
                boolean silenced = copy > 0 && isOutputProjection(rest);
                grown.put(LAYERS + (layer * factor + copy) + rest, silenced
                        ? HostTensor.zeros(tensor.shape())
                        : new HostTensor(tensor.shape(), tensor.data().clone()));
            }
        }
        Wav2Vec2Config deeper = new Wav2Vec2Config(config.vocabSize(), config.hiddenSize(), layers,
                config.numAttentionHeads(), config.intermediateSize(), config.hiddenAct(), config.featExtractNorm(),
                config.convDim(), config.convKernel(), config.convStride(), config.convBias(),
                config.numConvPosEmbeddings(), config.numConvPosEmbeddingGroups(), config.doStableLayerNorm(),
                config.layerNormEps(), config.featProjLayerNorm(), config.padTokenId());
        return new Checkpoint(deeper, checkpoint.vocabulary(), grown);
    }

    private static boolean isOutputProjection(String rest) {
        for (String projection : OUTPUT_PROJECTIONS) {
            if (rest.startsWith(projection)) {
                return true;
            }
        }
        return false;
    }
}
