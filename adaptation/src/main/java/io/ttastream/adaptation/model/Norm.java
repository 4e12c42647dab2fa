package io.ttastream.adaptation.model;

import io.ttastream.kernels.Backend;
import io.ttastream.kernels.Tensor;

/** A LayerNorm over the last dimension of [N, C], named by its Hugging Face module path. */
record Norm(String name, Tensor weight, Tensor bias, float eps) {

    static Norm of(Parameters parameters, String name, double eps) {
        return new Norm(name, parameters.get(name + ".weight"), parameters.get(name + ".bias"), (float) eps);
    }

    /** The output and what the backward needs: the input and its per-row statistics. */
    record Activations(Tensor y, Tensor x, Tensor mean, Tensor rstd) {
    }

    Activations forward(Backend backend, Tensor x) {
        int rows = x.dim(0);
        Tensor y = backend.allocate(x.shape());
        Tensor mean = backend.allocate(rows);
        Tensor rstd = backend.allocate(rows);
        backend.layerNorm(y, mean, rstd, x, weight, bias, eps);
        return new Activations(y, x, mean, rstd);
    }

    /**
     * sum = a + b (sum may be a or b), then this norm of sum: a residual add fused with the norm after it. The
     * activations' input is the sum, so {@link #backward} gives d(sum), which is d(a) and d(b).
     */
    Activations forwardSum(Backend backend, Tensor sum, Tensor a, Tensor b) {
        int rows = sum.dim(0);
        Tensor y = backend.allocate(sum.shape());
        Tensor mean = backend.allocate(rows);
        Tensor rstd = backend.allocate(rows);
        backend.addLayerNorm(sum, y, mean, rstd, a, b, weight, bias, eps);
        return new Activations(y, sum, mean, rstd);
    }

    /** Adds the input gradient into dx (when not null) and parameter gradients into grads. */
    void backward(Backend backend, Tensor dx, Tensor dy, Activations a, Gradients grads) {
        backend.layerNormBackward(dx, grads.of(name + ".weight"), grads.of(name + ".bias"), dy,
                a.x(), a.mean(), a.rstd(), weight);
    }
}
