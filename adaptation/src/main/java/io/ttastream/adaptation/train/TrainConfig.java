package io.ttastream.adaptation.train;

import io.ttastream.asr.Wav2Vec2Config;

/**
 * How the source model is trained with CTC.
 *
 * @param model          the architecture
 * @param steps          optimizer steps
 * @param batchSize      utterances per step (their gradients are summed, each loss divided by its
 *                       target length: PyTorch's CTCLoss reduction "mean")
 * @param peakLr         AdamW learning rate after warm-up
 * @param warmupSteps    linear warm-up from 0 to the peak
 * @param weightDecay    AdamW decoupled weight decay
 * @param clipNorm       global gradient-norm clipping threshold
 * @param maskTimeProb   SpecAugment: fraction of frames that start a masked span (wav2vec2: 0.05)
 * @param maskTimeLength SpecAugment: frames per masked span (wav2vec2: 10)
 * @param maskFeatureProb SpecAugment: fraction of the projected features' channels that start a zeroed span, the
 *                       same span in every frame (Hugging Face's mask_feature_prob; 0 turns it off)
 * @param maskFeatureLength SpecAugment: channels per zeroed span (Hugging Face's mask_feature_length, 10)
 * @param speedPerturbation each training utterance is played at a speed drawn uniformly from
 *                       1 +- this (to 1/100), shifting its pitch and formants with its tempo like a
 *                       different speaker (Kaldi's speed perturbation); 0 turns it off
 * @param bandLimitProb  the chance that a training utterance is low-passed at a cutoff drawn uniformly from
 *                       [{@link #BAND_LIMIT_MIN_HZ}, {@link #BAND_LIMIT_MAX_HZ}] Hz, so the model does not rely on
 *                       the top of the band that narrowband recordings, codecs and some voices lack; 0 turns it off
 * @param validateEvery  steps between validation passes and checkpoints
 * @param seed           drives data order, speed perturbation, band limiting and masking
 * @param freezeFeatureEncoder whether the CNN feature encoder keeps its initial weights (as Hugging Face's
 *                       {@code freeze_feature_encoder()}): only sensible from a trained model, where it skips
 *                       the CNN's backward, most of a training step's cost
 */
public record TrainConfig(Wav2Vec2Config model, int steps, int batchSize, double peakLr, int warmupSteps,
                          double weightDecay, double clipNorm, double maskTimeProb, int maskTimeLength,
                          double maskFeatureProb, int maskFeatureLength, double speedPerturbation,
                          double bandLimitProb, int validateEvery, long seed, boolean freezeFeatureEncoder) {

    public TrainConfig {
        if (maskFeatureProb < 0 || maskFeatureProb >= 1) {
            throw new IllegalArgumentException(
                    "the channel-mask share (--mask-feature-prob) must be in [0, 1), not " + maskFeatureProb);
        }
    }

    /** The band-limiting cutoff range: from telephone bandwidth to just below the 8 kHz Nyquist limit. */
    public static final double BAND_LIMIT_MIN_HZ = 3_400;
    public static final double BAND_LIMIT_MAX_HZ = 7_000;

    /**
     * The project's source model: a 7-layer CNN of 128 channels (wav2vec2's strides, 320x down to
     * 50 frames/s), a 6-layer transformer of width 192 (3 heads, FFN 768), the 32-character
     * vocabulary. About 0.7 GFLOP per audio second (../shared/MODEL-NOTES.md): small enough to
     * adapt in real time on two CPU cores. It uses the lv60 layout (a LayerNorm after every
     * convolution, pre-LN transformer layers), which trains from scratch far more readily than the
     * base layout: a post-LN run sat on the blank plateau (CTC loss 2.92 per label) for 425 steps.
     * The committed model (models/source) began as this recipe and was later deepened to 12 layers
     * ({@code tta train --grow-layers 12}); its MODEL_CARD.md lists every stage.
     */
    public static TrainConfig source() {
        Wav2Vec2Config model = new Wav2Vec2Config(32, 192, 6, 3, 768, "gelu", "layer",
                new int[]{128, 128, 128, 128, 128, 128, 128}, new int[]{10, 3, 3, 3, 3, 2, 2},
                new int[]{5, 2, 2, 2, 2, 2, 2}, true, 64, 8, true, 1e-5, true, 0);
        // About ten passes over a 2,000-utterance synthetic corpus (bin/tta synth defaults to that size).
        return new TrainConfig(model, 3000, 8, 5e-4, 300, 0.01, 1.0, 0.05, 10, 0.0, 10, 0.1, 0.3, 250, 1234, false);
    }

    /** A toy model and a few steps: exercises the whole training path in seconds (tests, --quick). */
    public static TrainConfig quick() {
        Wav2Vec2Config model = new Wav2Vec2Config(32, 32, 2, 2, 64, "gelu", "group",
                new int[]{32, 32, 32, 32, 32, 32, 32}, new int[]{10, 3, 3, 3, 3, 2, 2},
                new int[]{5, 2, 2, 2, 2, 2, 2}, false, 16, 4, false, 1e-5, true, 0);
        return new TrainConfig(model, 60, 2, 3e-3, 10, 0.0, 1.0, 0.0, 10, 0.0, 10, 0.0, 0.0, 20, 7, false);
    }

    public static TrainConfig named(String name) {
        return switch (name) {
            case "source" -> source();
            case "quick" -> quick();
            default -> throw new IllegalArgumentException("unknown training config '" + name + "' (source, quick)");
        };
    }

    public TrainConfig withSteps(int newSteps) {
        return new TrainConfig(model, newSteps, batchSize, peakLr, warmupSteps, weightDecay, clipNorm, maskTimeProb,
                maskTimeLength, maskFeatureProb, maskFeatureLength, speedPerturbation, bandLimitProb, validateEvery,
                seed, freezeFeatureEncoder);
    }

    public TrainConfig withPeakLr(double newPeakLr) {
        return new TrainConfig(model, steps, batchSize, newPeakLr, warmupSteps, weightDecay, clipNorm, maskTimeProb,
                maskTimeLength, maskFeatureProb, maskFeatureLength, speedPerturbation, bandLimitProb, validateEvery,
                seed, freezeFeatureEncoder);
    }

    public TrainConfig withFeatureMasking(double newMaskFeatureProb) {
        return new TrainConfig(model, steps, batchSize, peakLr, warmupSteps, weightDecay, clipNorm, maskTimeProb,
                maskTimeLength, newMaskFeatureProb, maskFeatureLength, speedPerturbation, bandLimitProb, validateEvery,
                seed, freezeFeatureEncoder);
    }

    public TrainConfig withSeed(long newSeed) {
        return new TrainConfig(model, steps, batchSize, peakLr, warmupSteps, weightDecay, clipNorm, maskTimeProb,
                maskTimeLength, maskFeatureProb, maskFeatureLength, speedPerturbation, bandLimitProb, validateEvery,
                newSeed, freezeFeatureEncoder);
    }

    public TrainConfig withFrozenFeatureEncoder(boolean frozen) {
        return new TrainConfig(model, steps, batchSize, peakLr, warmupSteps, weightDecay, clipNorm, maskTimeProb,
                maskTimeLength, maskFeatureProb, maskFeatureLength, speedPerturbation, bandLimitProb, validateEvery, seed, frozen);
    }

    /** Linear warm-up, then linear decay to zero at the last step. */
    public double learningRate(int step) {
        if (step < warmupSteps) {
            return peakLr * (step + 1) / warmupSteps;
        }
        return peakLr * Math.max(0.0, (steps - step) / (double) Math.max(1, steps - warmupSteps));
    }
}
