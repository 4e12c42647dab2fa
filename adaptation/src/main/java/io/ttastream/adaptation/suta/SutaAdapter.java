package io.ttastream.adaptation.suta;

import io.ttastream.adaptation.decode.CtcDecoder;
import io.ttastream.adaptation.decode.GreedyCtcDecoder;
import io.ttastream.adaptation.model.Gradients;
import io.ttastream.adaptation.model.ParameterGroups;
import io.ttastream.adaptation.model.Wav2Vec2Model;
import io.ttastream.adaptation.optim.AdamW;
import io.ttastream.adaptation.optim.Optimizer;
import io.ttastream.adaptation.optim.Sgd;
import io.ttastream.kernels.Backend;
import io.ttastream.kernels.Tensor;
import io.ttastream.kernels.loss.SutaLoss;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SUTA (Lin et al. 2022): for one utterance, take a few optimizer steps on the unsupervised loss
 * over a small parameter subset, decode with the adapted weights, then put the weights back.
 * A non-finite loss or gradient stops the adaptation; the transcript then comes from the
 * unadapted weights and nothing non-finite is ever left in the model.
 */
public final class SutaAdapter {
    private final Wav2Vec2Model model;
    private final Backend backend;
    private final SutaConfig config;
    private final SutaLoss loss;
    private final List<String> trainable;
    private final Gradients gradients;
    private final CtcDecoder decoder;
    private long nonFiniteCount;

    /** One adapted utterance. */
    public record Result(String text, float[] logits, SutaLoss.Result before, SutaLoss.Result after,
                         double[] stepLosses, boolean nonFinite) {
    }

    /** Transcripts by greedy decoding. */
    public SutaAdapter(Wav2Vec2Model model, SutaConfig config) {
        this(model, config, new GreedyCtcDecoder(model.vocabulary()));
    }

    public SutaAdapter(Wav2Vec2Model model, SutaConfig config, CtcDecoder decoder) {
        this.model = model;
        this.backend = model.backend();
        this.config = config;
        this.loss = new SutaLoss(config.loss());
        this.trainable = ParameterGroups.select(config.trainable(), model.config(), model.parameters().names());
        this.gradients = new Gradients(backend, model.parameters(), trainable);
        this.decoder = decoder;
    }

    public List<String> trainableParameters() {
        return trainable;
    }

    /** Utterances whose adaptation stopped on a non-finite loss or gradient, since construction. */
    public long nonFiniteCount() {
        return nonFiniteCount;
    }

    public Optimizer newOptimizer() {
        return config.optimizer().equals("adamw")
                ? new AdamW(backend, AdamW.Config.suta(config.lr())) : new Sgd(backend, config.lr());
    }

    /** Episodic SUTA from the model's current weights, which are restored before returning. */
    public Result adapt(float[] inputValues) {
        Map<String, Tensor> saved = copyTrainable();
        try {
            return adaptInPlace(inputValues, newOptimizer(), config.steps());
        } finally {
            restoreTrainable(saved);
        }
    }

    /**
     * Takes {@code steps} steps with the given optimizer and leaves the adapted weights in the model
     * (the continual strategies keep them). On a non-finite loss or gradient the weights are put
     * back as they were on entry.
     */
    public Result adaptInPlace(float[] inputValues, Optimizer optimizer, int steps) {
        double[] stepLosses = new double[steps];
        Map<String, Tensor> entry = steps > 0 ? copyTrainable() : Map.of();
        SutaLoss.Result before = null;
        float[] unadaptedLogits = null;
        Tensor stats = backend.allocate(Backend.SUTA_STATS);
        for (int step = 0; step < steps; step++) {
            Wav2Vec2Model.Activations activations = model.forward(inputValues);
            if (step == 0) {
                unadaptedLogits = activations.logits().toArray();
                before = lossOf(unadaptedLogits);
            }
            // The loss and its gradient on the backend: on a GPU only the loss value comes back to the host.
            Tensor dLogits = backend.allocate(activations.logits().shape());
            backend.sutaLoss(dLogits, stats, activations.logits(), config.loss());
            double total = stats.toArray()[Backend.SUTA_TOTAL];
            stepLosses[step] = total;
            if (!Double.isFinite(total) || !backward(activations, dLogits)) {
                restoreTrainable(entry);
                nonFiniteCount++;
                return new Result(decoder.decode(unadaptedLogits), unadaptedLogits, before, before, stepLosses, true);
            }
            optimizer.step(model.parameters(), gradients);
        }
        float[] logits = model.logits(inputValues);
        SutaLoss.Result after = lossOf(logits);
        return new Result(decoder.decode(logits), logits, before != null ? before : after, after, stepLosses, false);
    }

    /** The loss of logits [frames, vocab] without touching the model. */
    public SutaLoss.Result lossOf(float[] logits) {
        int classes = model.vocabulary().size();
        return loss.compute(logits, logits.length / classes, classes);
    }

    /** Fills the gradient buffers from d loss / d logits; false when a gradient is not finite. */
    private boolean backward(Wav2Vec2Model.Activations activations, Tensor dLogits) {
        gradients.zero();
        model.backward(activations, dLogits, gradients);
        return gradients.allFinite();
    }

    /** The loss and the gradients of the trainable parameters, for tests and the continual strategies. */
    public SutaLoss.Result lossAndGradients(float[] inputValues, Gradients into) {
        Wav2Vec2Model.Activations activations = model.forward(inputValues);
        SutaLoss.Result result = loss.compute(activations.logits().toArray(), activations.logits().dim(0),
                activations.logits().dim(1));
        model.backward(activations, backend.fromArray(result.gradLogits(), activations.logits().shape()), into);
        return result;
    }

    public Gradients newGradients() {
        return new Gradients(backend, model.parameters(), trainable);
    }

    public Map<String, Tensor> copyTrainable() {
        Map<String, Tensor> copy = new LinkedHashMap<>();
        for (String name : trainable) {
            Tensor source = model.parameters().get(name);
            Tensor t = backend.allocate(source.shape());
            backend.copy(t, source);
            copy.put(name, t);
        }
        return copy;
    }

    /** An independent copy of saved weights (so a reset never aliases the source weights). */
    public Map<String, Tensor> copyTrainableFrom(Map<String, Tensor> saved) {
        Map<String, Tensor> copy = new LinkedHashMap<>();
        saved.forEach((name, t) -> {
            Tensor c = backend.allocate(t.shape());
            backend.copy(c, t);
            copy.put(name, c);
        });
        return copy;
    }

    public void restoreTrainable(Map<String, Tensor> copy) {
        copy.forEach((name, t) -> backend.copy(model.parameters().get(name), t));
    }
}
