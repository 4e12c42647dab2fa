package io.ttastream.adaptation.optim;

import io.ttastream.adaptation.model.Gradients;
import io.ttastream.adaptation.model.Parameters;
import io.ttastream.kernels.Backend;
import io.ttastream.kernels.Tensor;

import java.util.Map;

/** Plain stochastic gradient descent: p -= lr * g. */
public final class Sgd implements Optimizer {
    private final Backend backend;
    private final double lr;

    public Sgd(Backend backend, double lr) {
        this.backend = backend;
        this.lr = lr;
    }

    @Override
    public void step(Parameters parameters, Gradients gradients) {
        for (Map.Entry<String, Tensor> e : gradients.asMap().entrySet()) {
            backend.axpy(parameters.get(e.getKey()), (float) -lr, e.getValue());
        }
    }

    @Override
    public void reset() {
    }
}
