package io.ttastream.adaptation.model;

import io.ttastream.kernels.Backend;
import io.ttastream.kernels.Tensor;

/** A dense layer y = x W^T + b, named by its Hugging Face module path (e.g. "lm_head"). */
record Linear(String name, Tensor weight, Tensor bias) {

    static Linear of(Parameters parameters, String name) {
        return new Linear(name, parameters.get(name + ".weight"), parameters.get(name + ".bias"));
    }

    int outFeatures() {
        return weight.dim(0);
    }

    Tensor forward(Backend backend, Tensor x) {
        Tensor y = backend.allocate(x.dim(0), outFeatures());
        backend.linear(y, x, weight, bias);
        return y;
    }

    /** Adds the input gradient into dx (when not null) and parameter gradients into grads. */
    void backward(Backend backend, Tensor dx, Tensor dy, Tensor x, Gradients grads) {
        backend.linearBackward(dx, grads.of(name + ".weight"), grads.of(name + ".bias"), dy, x, weight);
    }
}
