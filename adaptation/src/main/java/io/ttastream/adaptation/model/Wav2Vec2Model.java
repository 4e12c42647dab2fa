package io.ttastream.adaptation.model;

import io.ttastream.asr.Checkpoint;
import io.ttastream.asr.Vocabulary;
import io.ttastream.asr.Wav2Vec2Config;
import io.ttastream.kernels.Backend;
import io.ttastream.kernels.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * The wav2vec2 CTC recogniser (Hugging Face's Wav2Vec2ForCTC in eval mode) on a kernels backend:
 * raw 16 kHz samples -> CNN features -> projection -> positional convolution -> transformer
 * encoder -> per-frame logits over the vocabulary. The backward pass reaches exactly as deep as
 * the lowest trained parameter and forms no gradient that was not asked for.
 */
public final class Wav2Vec2Model {
    private static final String PROJECTION_NORM = "wav2vec2.feature_projection.layer_norm";
    /** The learned vector that replaces masked frames in training (SpecAugment). */
    public static final String MASK_EMBEDDING = "wav2vec2.masked_spec_embed";
    /** The prefix of every CNN feature encoder parameter. */
    public static final String FEATURE_ENCODER_PREFIX = "wav2vec2.feature_extractor.";
    private final Backend backend;
    private final Wav2Vec2Config config;
    private final Vocabulary vocabulary;
    private final Parameters parameters;
    private final ConvFeatureEncoder featureEncoder;
    private final Norm projectionNorm;
    private final Linear projection;
    private final PositionalConvEmbedding positionalEmbedding;
    private final Norm encoderNorm;
    private final List<EncoderLayer> layers = new ArrayList<>();
    private final Linear lmHead;

    /** Every intermediate the backward reads, from one forward pass. */
    public record Activations(List<ConvFeatureEncoder.LayerActivations> features, Tensor frames,
                              Norm.Activations projectionNorm,
                              Tensor projected, PositionalConvEmbedding.Activations positional,
                              Norm.Activations encoderNormBefore, List<EncoderLayer.Activations> layers,
                              Norm.Activations encoderNormAfter, Tensor hidden, Tensor logits,
                              SpecAugmentMask mask) {
    }

    public Wav2Vec2Model(Backend backend, Checkpoint checkpoint) {
        this.backend = backend;
        this.config = checkpoint.config();
        this.vocabulary = checkpoint.vocabulary();
        this.parameters = Parameters.upload(backend, checkpoint.tensors());
        double eps = config.layerNormEps();
        featureEncoder = new ConvFeatureEncoder(backend, parameters, config);
        projectionNorm = config.featProjLayerNorm()
                ? Norm.of(parameters, PROJECTION_NORM, eps) : null;
        projection = Linear.of(parameters, "wav2vec2.feature_projection.projection");
        positionalEmbedding = new PositionalConvEmbedding(backend, parameters, config);
        encoderNorm = Norm.of(parameters, "wav2vec2.encoder.layer_norm", eps);
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            layers.add(new EncoderLayer(backend, parameters, config, i));
        }
        lmHead = Linear.of(parameters, "lm_head");
    }

    public Backend backend() {
        return backend;
    }

    public Wav2Vec2Config config() {
        return config;
    }

    public Vocabulary vocabulary() {
        return vocabulary;
    }

    public Parameters parameters() {
        return parameters;
    }

    /** Number of logit frames for a number of input samples (the CNN's output length; 0 when too short for one). */
    public int frameCount(int samples) {
        int frames = samples;
        for (int i = 0; i < config.numFeatExtractLayers(); i++) {
            if (frames < config.convKernel()[i]) {
                return 0;
            }
            frames = (frames - config.convKernel()[i]) / config.convStride()[i] + 1;
        }
        return frames;
    }

    /** Logits [T, vocab] for normalised 16 kHz samples, with nothing kept for a backward. */
    public float[] logits(float[] inputValues) {
        return run(inputValues, null, false).logits().toArray();
    }

    /** The forward pass, keeping every activation a backward may need. */
    public Activations forward(float[] inputValues) {
        return forward(inputValues, null);
    }

    /**
     * The forward pass with SpecAugment-style masking for training ({@link SpecAugmentMask}): masked frames of the
     * projected features become the learned masked_spec_embed vector, masked channels become zero.
     */
    public Activations forward(float[] inputValues, SpecAugmentMask mask) {
        return run(inputValues, mask, true);
    }

    /** The forward pass; without {@code keep}, each encoder layer's activations are dropped as soon as the next layer has run. */
    private Activations run(float[] inputValues, SpecAugmentMask mask, boolean keep) {
        Tensor audio = backend.fromArray(inputValues, 1, inputValues.length);
        List<ConvFeatureEncoder.LayerActivations> features = featureEncoder.forward(audio);
        Tensor featuresChannelMajor = features.get(features.size() - 1).output();
        Tensor frames = backend.allocate(featuresChannelMajor.dim(1), featuresChannelMajor.dim(0));
        backend.transpose(frames, featuresChannelMajor);

        Norm.Activations normedFrames = projectionNorm != null ? projectionNorm.forward(backend, frames) : null;
        Tensor projected = projection.forward(backend, normedFrames != null ? normedFrames.y() : frames);
        if (mask != null && !mask.isEmpty()) {
            applyMask(projected, mask);
        }

        PositionalConvEmbedding.Activations positional = positionalEmbedding.forward(projected);
        Tensor hidden = backend.allocate(projected.shape());
        backend.add(hidden, projected, positional.output());

        Norm.Activations normBefore = null;
        if (!config.doStableLayerNorm()) {
            normBefore = encoderNorm.forward(backend, hidden);
            hidden = normBefore.y();
        }
        List<EncoderLayer.Activations> layerActivations = new ArrayList<>(layers.size());
        for (EncoderLayer layer : layers) {
            EncoderLayer.Activations a = layer.forward(hidden);
            if (keep) {
                layerActivations.add(a);
            }
            hidden = a.output();
        }
        Norm.Activations normAfter = null;
        if (config.doStableLayerNorm()) {
            normAfter = encoderNorm.forward(backend, hidden);
            hidden = normAfter.y();
        }
        Tensor logits = lmHead.forward(backend, hidden);
        return new Activations(features, frames, normedFrames, projected, positional, normBefore, layerActivations,
                normAfter, hidden, logits, mask);
    }

    private void applyMask(Tensor projected, SpecAugmentMask mask) {
        int frames = projected.dim(0);
        int width = projected.dim(1);
        checkCovers(mask, frames, width);
        float[] values = projected.toArray();
        if (mask.frames() != null) {
            float[] embed = parameters.get(MASK_EMBEDDING).toArray();
            for (int t = 0; t < frames; t++) {
                if (mask.frames()[t]) {
                    System.arraycopy(embed, 0, values, t * width, width);
                }
            }
        }
        zeroChannels(values, frames, width, mask.channels());
        projected.copyFrom(values);
    }

    /** Zeroes the masked channels of every frame of a [frames, width] row-major array (no mask: nothing). */
    private static void zeroChannels(float[] values, int frames, int width, boolean[] channels) {
        if (channels == null) {
            return;
        }
        for (int t = 0; t < frames; t++) {
            for (int c = 0; c < width; c++) {
                if (channels[c]) {
                    values[t * width + c] = 0;
                }
            }
        }
    }

    private static void checkCovers(SpecAugmentMask mask, int frames, int width) {
        if (mask.frames() != null && mask.frames().length != frames) {
            throw new IllegalArgumentException("time mask covers " + mask.frames().length + " frames, the audio has " + frames);
        }
        if (mask.channels() != null && mask.channels().length != width) {
            throw new IllegalArgumentException("channel mask covers " + mask.channels().length + " channels, the model has " + width);
        }
    }

    /**
     * Zeroed channels pass no gradient down; masked frames pass theirs to masked_spec_embed, not to the projection
     * below.
     */
    private void routeMaskedGradient(Tensor dProjected, SpecAugmentMask mask, Gradients grads) {
        int frames = dProjected.dim(0);
        int width = dProjected.dim(1);
        float[] d = dProjected.toArray();
        zeroChannels(d, frames, width, mask.channels());
        if (mask.frames() != null) {
            Tensor dEmbed = grads.of(MASK_EMBEDDING);
            float[] embedGrad = dEmbed != null ? dEmbed.toArray() : null;
            for (int t = 0; t < frames; t++) {
                if (mask.frames()[t]) {
                    for (int c = 0; c < width; c++) {
                        if (embedGrad != null) {
                            embedGrad[c] += d[t * width + c];
                        }
                        d[t * width + c] = 0;
                    }
                }
            }
            if (dEmbed != null) {
                dEmbed.copyFrom(embedGrad);
            }
        }
        dProjected.copyFrom(d);
    }

    /**
     * Backward from d(logits) [T, vocab]: adds the gradient of every parameter that {@code grads}
     * holds a buffer for, and stops below the lowest one.
     */
    public void backward(Activations a, Tensor dLogits, Gradients grads) {
        Tensor dHidden = backend.allocate(a.hidden().shape());
        lmHead.backward(backend, dHidden, dLogits, a.hidden(), grads);
        if (a.encoderNormAfter() != null) {
            Tensor dBeforeNorm = backend.allocate(dHidden.shape());
            encoderNorm.backward(backend, dBeforeNorm, dHidden, a.encoderNormAfter(), grads);
            dHidden = dBeforeNorm;
        }
        for (int i = layers.size() - 1; i >= 0; i--) {
            dHidden = layers.get(i).backward(dHidden, a.layers().get(i), grads);
        }
        if (a.encoderNormBefore() != null) {
            Tensor dBeforeNorm = backend.allocate(dHidden.shape());
            encoderNorm.backward(backend, dBeforeNorm, dHidden, a.encoderNormBefore(), grads);
            dHidden = dBeforeNorm;
        }
        // hidden = projected + positional(projected): both paths reach d(projected).
        Tensor dProjected = backend.allocate(dHidden.shape());
        backend.copy(dProjected, dHidden);
        positionalEmbedding.backward(dProjected, dHidden, a.positional(), grads);
        if (a.mask() != null && !a.mask().isEmpty()) {
            routeMaskedGradient(dProjected, a.mask(), grads);
        }

        boolean featuresTrained = featureEncoder.isTrained(grads);
        boolean belowProjectionTrained = featuresTrained || grads.anyUnder(PROJECTION_NORM + ".");
        Tensor projectionInput = a.projectionNorm() != null ? a.projectionNorm().y() : a.frames();
        Tensor dProjectionInput = belowProjectionTrained ? backend.allocate(projectionInput.shape()) : null;
        projection.backward(backend, dProjectionInput, dProjected, projectionInput, grads);
        if (!belowProjectionTrained) {
            return;
        }
        Tensor dFrames = dProjectionInput;
        if (a.projectionNorm() != null) {
            dFrames = featuresTrained ? backend.allocate(projectionInput.shape()) : null;
            projectionNorm.backward(backend, dFrames, dProjectionInput, a.projectionNorm(), grads);
        }
        if (featuresTrained) {
            Tensor dFeatures = backend.allocate(a.frames().dim(1), a.frames().dim(0));
            backend.transposeBackward(dFeatures, dFrames);
            featureEncoder.backward(dFeatures, a.features(), grads);
        }
    }
}
