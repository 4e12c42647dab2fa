package io.ttastream.adaptation.model;

import io.ttastream.asr.Wav2Vec2Config;
import io.ttastream.kernels.Backend;
import io.ttastream.kernels.Tensor;

/**
 * wav2vec2's relative positional embedding: a wide grouped convolution over time (weight-normed
 * over the kernel dimension) followed by GELU, added to the encoder input. An even kernel is
 * padded K/2 on the left and K/2 - 1 on the right, which is Hugging Face's "pad K/2 both sides,
 * then drop the last frame".
 */
final class PositionalConvEmbedding {
    static final String NAME = "wav2vec2.encoder.pos_conv_embed.conv";
    /** torch.nn.utils.weight_norm(conv, name="weight", dim=2): one norm per kernel tap. */
    private static final int WEIGHT_NORM_DIM = 2;

    private final Backend backend;
    private final Tensor weightG;
    private final Tensor weightV;
    private final Tensor bias;
    private final int groups;
    private final int padLeft;
    private final int padRight;

    record Activations(Tensor inputTransposed, Tensor weight, Tensor conv, Tensor output) {
    }

    PositionalConvEmbedding(Backend backend, Parameters parameters, Wav2Vec2Config config) {
        this.backend = backend;
        this.weightG = parameters.get(NAME + ".weight_g");
        this.weightV = parameters.get(NAME + ".weight_v");
        this.bias = parameters.get(NAME + ".bias");
        this.groups = config.numConvPosEmbeddingGroups();
        int kernel = config.numConvPosEmbeddings();
        this.padLeft = kernel / 2;
        this.padRight = kernel - 1 - kernel / 2;
    }

    /** x [T, H] -> the embedding [T, H] (not yet added to x). */
    Activations forward(Tensor x) {
        Tensor weight = backend.allocate(weightV.shape());
        backend.weightNorm(weight, weightG, weightV, WEIGHT_NORM_DIM);
        Tensor inputTransposed = backend.allocate(x.dim(1), x.dim(0));
        backend.transpose(inputTransposed, x);
        Tensor conv = backend.allocate(inputTransposed.shape());
        backend.conv1d(conv, inputTransposed, weight, bias, 1, padLeft, padRight, groups);
        Tensor activated = backend.allocate(conv.shape());
        backend.gelu(activated, conv);
        Tensor output = backend.allocate(x.shape());
        backend.transpose(output, activated);
        return new Activations(inputTransposed, weight, conv, output);
    }

    /** Adds d(x) through the embedding into dx, and parameter gradients into grads. */
    void backward(Tensor dx, Tensor dOutput, Activations a, Gradients grads) {
        Tensor dActivated = backend.allocate(a.conv().shape());
        backend.transposeBackward(dActivated, dOutput);
        Tensor dConv = backend.allocate(a.conv().shape());
        backend.geluBackward(dConv, dActivated, a.conv());
        Tensor dg = grads.of(NAME + ".weight_g");
        Tensor dv = grads.of(NAME + ".weight_v");
        Tensor dWeight = dg != null || dv != null ? backend.allocate(a.weight().shape()) : null;
        Tensor dInputTransposed = backend.allocate(a.inputTransposed().shape());
        backend.conv1dBackward(dInputTransposed, dWeight, grads.of(NAME + ".bias"), dConv, a.inputTransposed(),
                a.weight(), 1, padLeft, padRight, groups);
        if (dWeight != null) {
            backend.weightNormBackward(dg, dv, dWeight, weightG, weightV, WEIGHT_NORM_DIM);
        }
        backend.transposeBackward(dx, dInputTransposed);
    }
}
