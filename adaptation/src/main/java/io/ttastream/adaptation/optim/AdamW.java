package io.ttastream.adaptation.optim;

import io.ttastream.adaptation.model.Gradients;
import io.ttastream.adaptation.model.Parameters;
import io.ttastream.kernels.Backend;
import io.ttastream.kernels.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
    private Config config;
    private final Map<String, Moments> moments = new LinkedHashMap<>();
    private int step;

    public AdamW(Backend backend, Config config) {
        this.backend = backend;
        this.config = config;
    }

    @Override
    public void step(Parameters parameters, Gradients gradients) {
        step++;
        List<Tensor> params = new ArrayList<>(), grads = new ArrayList<>(), m = new ArrayList<>(), v = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : gradients.asMap().entrySet()) {
            Tensor param = parameters.get(e.getKey());
            Moments state = moments.computeIfAbsent(e.getKey(),
                    name -> new Moments(backend.allocate(param.shape()), backend.allocate(param.shape())));
            params.add(param);
            grads.add(e.getValue());
            m.add(state.m());
            v.add(state.v());
        }
        // All tensors in one call: one kernel launch on a GPU.
        backend.adamW(params, grads, m, v, (float) config.lr(), (float) config.beta1(), (float) config.beta2(),
                (float) config.eps(), (float) config.weightDecay(), step);
    }

    /** An independent copy: same hyper-parameters, moments and step count (DSUTA's fast model starts from the slow one's). */
    public AdamW copy() {
        AdamW copy = new AdamW(backend, config);
        moments.forEach((name, state) -> {
            Tensor m = backend.allocate(state.m().shape());
            Tensor v = backend.allocate(state.v().shape());
            backend.copy(m, state.m());
            backend.copy(v, state.v());
            copy.moments.put(name, new Moments(m, v));
        });
        copy.step = step;
        return copy;
    }

    /** Changes the learning rate from the next step on (for schedules). */
    public void setLearningRate(double lr) {
        config = new Config(lr, config.beta1(), config.beta2(), config.eps(), config.weightDecay());
    }

    /** The moment tensors, keyed "m." / "v." + parameter name, for checkpoints. */
    public Map<String, Tensor> state() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        moments.forEach((name, state) -> {
            out.put("m." + name, state.m());
            out.put("v." + name, state.v());
        });
        return out;
    }

    /** Restores moments saved by {@link #state()} and the step count they belong to. */
    public void restore(Map<String, float[]> saved, Parameters parameters, int stepCount) {
        moments.clear();
        for (String key : saved.keySet()) {
            if (key.startsWith("m.")) {
                String name = key.substring(2);
                int[] shape = parameters.get(name).shape();
                moments.put(name, new Moments(backend.fromArray(saved.get(key), shape),
                        backend.fromArray(saved.get("v." + name), shape)));
            }
        }
        step = stepCount;
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
