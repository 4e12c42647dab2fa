package io.ttastream.adaptation.model;

import io.ttastream.asr.Wav2Vec2Config;
import io.ttastream.kernels.Backend;
import io.ttastream.kernels.Tensor;

/**
 * One transformer layer of the wav2vec2 encoder on [T, H] activations: multi-head self-attention
 * and a GELU feed-forward block, each with a residual connection. Base models normalise after
 * each residual (post-LN); large/lv60 models ("stable layer norm") normalise each block's input
 * (pre-LN).
 */
final class EncoderLayer {
    private final Backend backend;
    private final boolean preNorm;
    private final int heads;
    private final Linear query;
    private final Linear key;
    private final Linear value;
    private final Linear attentionOut;
    private final Norm attentionNorm;
    private final Linear feedForwardIn;
    private final Linear feedForwardOut;
    private final Norm finalNorm;

    /** Everything the backward reads; names follow the order of the forward. */
    record Activations(Tensor input, Norm.Activations preAttentionNorm, Tensor q, Tensor k, Tensor v,
                       Tensor probs, Tensor context, Tensor afterAttention, Norm.Activations postAttentionNorm,
                       Norm.Activations preFeedForwardNorm, Tensor hidden, Tensor hiddenActivated,
                       Norm.Activations finalNormActivations, Tensor output) {
    }

    EncoderLayer(Backend backend, Parameters parameters, Wav2Vec2Config config, int index) {
        this.backend = backend;
        this.preNorm = config.doStableLayerNorm();
        this.heads = config.numAttentionHeads();
        String name = "wav2vec2.encoder.layers." + index;
        double eps = config.layerNormEps();
        query = Linear.of(parameters, name + ".attention.q_proj");
        key = Linear.of(parameters, name + ".attention.k_proj");
        value = Linear.of(parameters, name + ".attention.v_proj");
        attentionOut = Linear.of(parameters, name + ".attention.out_proj");
        attentionNorm = Norm.of(parameters, name + ".layer_norm", eps);
        feedForwardIn = Linear.of(parameters, name + ".feed_forward.intermediate_dense");
        feedForwardOut = Linear.of(parameters, name + ".feed_forward.output_dense");
        finalNorm = Norm.of(parameters, name + ".final_layer_norm", eps);
    }

    Activations forward(Tensor x) {
        // Attention block: pre-LN normalises its input, post-LN its residual sum.
        Norm.Activations preAttentionNorm = preNorm ? attentionNorm.forward(backend, x) : null;
        Tensor attentionInput = preNorm ? preAttentionNorm.y() : x;
        Tensor q = query.forward(backend, attentionInput);
        Tensor k = key.forward(backend, attentionInput);
        Tensor v = value.forward(backend, attentionInput);
        int frames = x.dim(0);
        Tensor probs = backend.allocate(heads, frames, frames);
        Tensor context = backend.allocate(x.shape());
        backend.attention(context, probs, q, k, v, heads);
        Tensor afterAttention = attentionOut.forward(backend, context);
        // The residual add and the norm after it in one op: post-LN, this block's norm; pre-LN, the feed-forward's.
        Norm.Activations afterAttentionNorm = (preNorm ? finalNorm : attentionNorm)
                .forwardSum(backend, afterAttention, afterAttention, x);
        Norm.Activations postAttentionNorm = preNorm ? null : afterAttentionNorm;
        Tensor residual = preNorm ? afterAttention : postAttentionNorm.y();

        // Feed-forward block, the same two placements.
        Norm.Activations preFeedForwardNorm = preNorm ? afterAttentionNorm : null;
        Tensor feedForwardInput = preNorm ? preFeedForwardNorm.y() : residual;
        Tensor hidden = feedForwardIn.forward(backend, feedForwardInput);
        Tensor hiddenActivated = backend.allocate(hidden.shape());
        backend.gelu(hiddenActivated, hidden);
        Tensor sum = feedForwardOut.forward(backend, hiddenActivated);
        Norm.Activations finalNormActivations = null;
        if (preNorm) {
            backend.add(sum, sum, residual);  // the next layer's first norm reads it
        } else {
            finalNormActivations = finalNorm.forwardSum(backend, sum, sum, residual);
        }
        Tensor output = preNorm ? sum : finalNormActivations.y();
        return new Activations(x, preAttentionNorm, q, k, v, probs, context, afterAttention, postAttentionNorm,
                preFeedForwardNorm, hidden, hiddenActivated, finalNormActivations, output);
    }

    /** Returns d(input) given d(output); adds parameter gradients into grads. */
    Tensor backward(Tensor dOutput, Activations a, Gradients grads) {
        // Feed-forward block.
        Tensor dSum = dOutput;
        if (!preNorm) {
            dSum = zerosLike(dOutput);
            finalNorm.backward(backend, dSum, dOutput, a.finalNormActivations(), grads);
        }
        Tensor dHiddenActivated = zerosLike(a.hiddenActivated());
        feedForwardOut.backward(backend, dHiddenActivated, dSum, a.hiddenActivated(), grads);
        Tensor dHidden = zerosLike(a.hidden());
        backend.geluBackward(dHidden, dHiddenActivated, a.hidden());
        Tensor feedForwardInput = preNorm ? a.preFeedForwardNorm().y() : a.postAttentionNorm().y();
        Tensor dFeedForwardInput = zerosLike(feedForwardInput);
        feedForwardIn.backward(backend, dFeedForwardInput, dHidden, feedForwardInput, grads);

        // d(residual) = the sum's skip path + the feed-forward input's path.
        Tensor dResidual = copyOf(dSum);
        if (preNorm) {
            finalNorm.backward(backend, dResidual, dFeedForwardInput, a.preFeedForwardNorm(), grads);
        } else {
            backend.add(dResidual, dResidual, dFeedForwardInput);
        }

        // Attention block.
        Tensor dAfterAttention = dResidual;
        if (!preNorm) {
            dAfterAttention = zerosLike(dResidual);
            attentionNorm.backward(backend, dAfterAttention, dResidual, a.postAttentionNorm(), grads);
        }
        Tensor dContext = zerosLike(a.context());
        attentionOut.backward(backend, dContext, dAfterAttention, a.context(), grads);
        Tensor dq = zerosLike(a.q());
        Tensor dk = zerosLike(a.k());
        Tensor dv = zerosLike(a.v());
        backend.attentionBackward(dq, dk, dv, dContext, a.q(), a.k(), a.v(), a.probs(), heads);
        Tensor attentionInput = preNorm ? a.preAttentionNorm().y() : a.input();
        Tensor dAttentionInput = zerosLike(attentionInput);
        query.backward(backend, dAttentionInput, dq, attentionInput, grads);
        key.backward(backend, dAttentionInput, dk, attentionInput, grads);
        value.backward(backend, dAttentionInput, dv, attentionInput, grads);

        // d(input) = the attention residual's skip path + the attention input's path.
        Tensor dInput = copyOf(dAfterAttention);
        if (preNorm) {
            attentionNorm.backward(backend, dInput, dAttentionInput, a.preAttentionNorm(), grads);
        } else {
            backend.add(dInput, dInput, dAttentionInput);
        }
        return dInput;
    }

    private Tensor zerosLike(Tensor t) {
        return backend.allocate(t.shape());
    }

    private Tensor copyOf(Tensor t) {
        Tensor c = backend.allocate(t.shape());
        backend.copy(c, t);
        return c;
    }
}
