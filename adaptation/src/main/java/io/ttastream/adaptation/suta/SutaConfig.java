package io.ttastream.adaptation.suta;

import io.ttastream.adaptation.model.ParameterGroups;
import io.ttastream.asr.AdaptationDefaults;
import io.ttastream.kernels.loss.SutaLossConfig;

import java.util.List;

/**
 * Settings of single-utterance test-time adaptation.
 *
 * @param steps     optimizer steps per utterance (reference: 10)
 * @param lr        learning rate (reference: 2e-5)
 * @param optimizer "adamw" (reference; weight decay 0) or "sgd"
 * @param trainable parameter groups to adapt (reference: LayerNorm + feature encoder/projection)
 * @param loss      the unsupervised loss (reference: T 2.5, em_coef 0.3, non-blank EM, reweighted MCC)
 */
public record SutaConfig(int steps, double lr, String optimizer, List<ParameterGroups> trainable, SutaLossConfig loss) {

    public SutaConfig {
        if (steps < 0) {
            throw new IllegalArgumentException("steps must be >= 0: " + steps);
        }
        if (!(lr > 0)) {
            throw new IllegalArgumentException("lr must be > 0: " + lr);
        }
        if (!optimizer.equals("adamw") && !optimizer.equals("sgd")) {
            throw new IllegalArgumentException("optimizer must be adamw or sgd, not " + optimizer);
        }
        trainable = List.copyOf(trainable);
    }

    /** hhhaaahhhaa/Dynamic-SUTA config/system/suta.yaml with the 10-step setting of its run scripts. */
    public static SutaConfig reference() {
        return new SutaConfig(10, 2e-5, "adamw", List.of(ParameterGroups.LAYER_NORM, ParameterGroups.FEATURE),
                SutaLossConfig.reference());
    }

    /**
     * The learning rate a strategy adapts at: the one asked for ({@code --lr}, or null), else the one its model's
     * folder recommends for it, else the reference's.
     */
    public static double learningRate(Double asked, AdaptationDefaults modelDefaults, String strategy) {
        return asked != null ? asked : modelDefaults.lrFor(strategy).orElse(reference().lr());
    }

    public SutaConfig withSteps(int newSteps) {
        return new SutaConfig(newSteps, lr, optimizer, trainable, loss);
    }

    public SutaConfig withLr(double newLr) {
        return new SutaConfig(steps, newLr, optimizer, trainable, loss);
    }
}
