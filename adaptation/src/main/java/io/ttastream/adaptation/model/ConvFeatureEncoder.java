package io.ttastream.adaptation.model;

import io.ttastream.asr.Wav2Vec2Config;
import io.ttastream.kernels.Backend;
import io.ttastream.kernels.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * The raw-waveform CNN (Hugging Face's Wav2Vec2FeatureEncoder): seven strided convolutions, each
 * followed by GELU, turning 16 kHz samples into 50 frames a second. Base models ("group") put a
 * per-channel GroupNorm after the first convolution only; large/lv60 models ("layer") put a
 * LayerNorm over channels after every convolution. Works channel-major: [C, T].
 */
final class ConvFeatureEncoder {
    static final String PREFIX = Wav2Vec2Model.FEATURE_ENCODER_PREFIX + "conv_layers.";
    /** PyTorch's default eps for the GroupNorm and LayerNorm modules of the feature encoder. */
    private static final float NORM_EPS = 1e-5f;

    private record Layer(String name, Tensor weight, Tensor bias, Tensor normWeight, Tensor normBias,
                         boolean groupNorm, boolean layerNorm, int stride) {
    }

    /** One layer's output and what its backward needs. */
    record LayerActivations(Tensor input, Tensor conv, Tensor normMean, Tensor normRstd, Tensor normed,
                            Tensor output) {
    }

    private final Backend backend;
    private final List<Layer> layers = new ArrayList<>();

    ConvFeatureEncoder(Backend backend, Parameters parameters, Wav2Vec2Config config) {
        this.backend = backend;
        boolean groupMode = config.featExtractNorm().equals("group");
        boolean layerMode = config.featExtractNorm().equals("layer");
        for (int i = 0; i < config.numFeatExtractLayers(); i++) {
            String name = PREFIX + i;
            boolean groupNorm = groupMode && i == 0;
            boolean hasNorm = groupNorm || layerMode;
            layers.add(new Layer(name,
                    parameters.get(name + ".conv.weight"),
                    parameters.getOptional(name + ".conv.bias"),
                    hasNorm ? parameters.get(name + ".layer_norm.weight") : null,
                    hasNorm ? parameters.get(name + ".layer_norm.bias") : null,
                    groupNorm, layerMode, config.convStride()[i]));
        }
    }

    /** The fewest samples that make one frame: the receptive field of the stacked convolutions (400 for wav2vec2). */
    int minimumSamples() {
        int samples = 1;
        for (int i = layers.size() - 1; i >= 0; i--) {
            samples = (samples - 1) * layers.get(i).stride() + layers.get(i).weight().dim(2);
        }
        return samples;
    }

    /** Runs every layer on x [1, samples]; the last activation's output is the features [C, T]. */
    List<LayerActivations> forward(Tensor x) {
        int minimum = minimumSamples();
        if (x.dim(1) < minimum) {
            throw new IllegalArgumentException("audio too short for the feature encoder: " + x.dim(1)
                    + " samples, at least " + minimum + " (" + minimum / 16 + " ms at 16 kHz) needed");
        }
        List<LayerActivations> out = new ArrayList<>(layers.size());
        for (Layer layer : layers) {
            LayerActivations a = forward(layer, x);
            out.add(a);
            x = a.output();
        }
        return out;
    }

    private LayerActivations forward(Layer layer, Tensor x) {
        int channels = layer.weight().dim(0);
        int kernel = layer.weight().dim(2);
        int frames = (x.dim(1) - kernel) / layer.stride() + 1;
        Tensor conv = backend.allocate(channels, frames);
        backend.conv1d(conv, x, layer.weight(), layer.bias(), layer.stride(), 0, 0, 1);
        Tensor normed = conv;
        Tensor mean = null;
        Tensor rstd = null;
        if (layer.groupNorm()) {
            normed = backend.allocate(channels, frames);
            mean = backend.allocate(channels);
            rstd = backend.allocate(channels);
            backend.groupNorm(normed, mean, rstd, conv, channels, layer.normWeight(), layer.normBias(), NORM_EPS);
        } else if (layer.layerNorm()) {
            normed = backend.allocate(channels, frames);
            mean = backend.allocate(frames);
            rstd = backend.allocate(frames);
            backend.layerNormChannelMajor(normed, mean, rstd, conv, layer.normWeight(), layer.normBias(), NORM_EPS);
        }
        Tensor output = backend.allocate(channels, frames);
        backend.gelu(output, normed);
        return new LayerActivations(x, conv, mean, rstd, normed, output);
    }

    /** True when some parameter of this encoder is trained, so the backward must reach it. */
    boolean isTrained(Gradients grads) {
        return grads.anyUnder(PREFIX);
    }

    /**
     * Backward from d(features), the gradient of the last layer's output, down to the lowest
     * layer with a trained parameter; no input gradient is formed below it.
     */
    void backward(Tensor dFeatures, List<LayerActivations> activations, Gradients grads) {
        int lowest = lowestTrainedLayer(grads);
        Tensor dOutput = dFeatures;
        for (int i = layers.size() - 1; i >= lowest; i--) {
            Layer layer = layers.get(i);
            LayerActivations a = activations.get(i);
            Tensor dNormed = backend.allocate(a.normed().shape());
            backend.geluBackward(dNormed, dOutput, a.normed());
            Tensor dConv = dNormed;
            if (layer.groupNorm()) {
                dConv = backend.allocate(a.conv().shape());
                backend.groupNormBackward(dConv, grads.of(layer.name() + ".layer_norm.weight"),
                        grads.of(layer.name() + ".layer_norm.bias"), dNormed, a.conv(), a.conv().dim(0),
                        a.normMean(), a.normRstd(), layer.normWeight());
            } else if (layer.layerNorm()) {
                dConv = backend.allocate(a.conv().shape());
                backend.layerNormChannelMajorBackward(dConv, grads.of(layer.name() + ".layer_norm.weight"),
                        grads.of(layer.name() + ".layer_norm.bias"), dNormed, a.conv(), a.normMean(), a.normRstd(),
                        layer.normWeight());
            }
            Tensor dInput = i > lowest ? backend.allocate(a.input().shape()) : null;
            backend.conv1dBackward(dInput, grads.of(layer.name() + ".conv.weight"), grads.of(layer.name() + ".conv.bias"),
                    dConv, a.input(), layer.weight(), layer.stride(), 0, 0, 1);
            dOutput = dInput;
        }
    }

    private int lowestTrainedLayer(Gradients grads) {
        for (int i = 0; i < layers.size(); i++) {
            if (grads.anyUnder(layers.get(i).name() + ".")) {
                return i;
            }
        }
        return layers.size();
    }
}
