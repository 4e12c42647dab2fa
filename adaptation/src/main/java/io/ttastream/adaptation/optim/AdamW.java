package io.ttastream.adaptation.optim;

import io.ttastream.adaptation.model.Gradients;
import io.ttastream.adaptation.model.Parameters;
import io.ttastream.kernels.Backend;
import io.ttastream.kernels.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * torch.optim.AdamW: Adam with decoupled weight decay and bias correction. SUTA uses it with
 * weight decay 0 (plain Adam), betas (0.9, 0.999) and eps 1e-8 (the PyTorch defaults).
 */
public final class AdamW implements Optimizer {
    /** Hyper-parameters; {@link #suta(double)} gives the reference's. */
    public record Config(double lr, double beta1, double beta2, double eps, double weightDecay) {
        public static Config suta(double lr) {
            return new Config(lr, 0.9, 0.999, 1e-8, 0.0);
        }
    }

    /** The first and second moments of one parameter. */
    private record Moments(Tensor m, Tensor v) {
    }

    private final Backend backend;
    private final Config config;
    private final Map<String, Moments> moments = new LinkedHashMap<>();
    private int step;

    public AdamW(Backend backend, Config config) {
        this.backend = backend;
        this.config = config;
    }

    @Override
    public void step(Parameters parameters, Gradients gradients) {
        step++;
        for (Map.Entry<String, Tensor> e : gradients.asMap().entrySet()) {
            Tensor param = parameters.get(e.getKey());
            Moments state = moments.computeIfAbsent(e.getKey(),
                    name -> new Moments(backend.allocate(param.shape()), backend.allocate(param.shape())));
            backend.adamW(param, e.getValue(), state.m(), state.v(), (float) config.lr(), (float) config.beta1(),
                    (float) config.beta2(), (float) config.eps(), (float) config.weightDecay(), step);
        }
    }

    @Override
    public void reset() {
        moments.clear();
        step = 0;
    }

    public int stepCount() {
        return step;
    }
}
