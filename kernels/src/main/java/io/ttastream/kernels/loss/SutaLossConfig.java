package io.ttastream.kernels.loss;

/**
 * Settings of the SUTA unsupervised loss (entropy minimisation plus minimum class confusion).
 *
 * @param temperature    logits are divided by this before the softmax (both terms use the same p)
 * @param emCoef         weight a of entropy minimisation; the total is a*EM + (1-a)*MCC
 * @param emNonBlankOnly average the entropy over frames whose greedy label is not blank only
 * @param mccReweight    weight frames by 1 + exp(-H_t) in the class-correlation matrix
 * @param mccClasses     divisor of the MCC sum; the reference hard-codes 32 (the wav2vec2 vocabulary)
 * @param blankId        id of the CTC blank, which defines the non-blank frames
 */
public record SutaLossConfig(
        double temperature,
        double emCoef,
        boolean emNonBlankOnly,
        boolean mccReweight,
        int mccClasses,
        int blankId) {

    public SutaLossConfig {
        if (!(temperature > 0)) throw new IllegalArgumentException("temperature must be > 0: " + temperature);
        if (!(emCoef >= 0 && emCoef <= 1)) throw new IllegalArgumentException("emCoef must be in [0, 1]: " + emCoef);
        if (mccClasses < 1) throw new IllegalArgumentException("mccClasses must be >= 1: " + mccClasses);
        if (blankId < 0) throw new IllegalArgumentException("blankId must be >= 0: " + blankId);
    }

    /**
     * The published SUTA setting: temperature 2.5, em_coef 0.3, non_blank and reweight on (the
     * run scripts and {@code config/system/suta.yaml} of SUTA and Dynamic SUTA, not SUTA's argparse
     * defaults), class divisor 32 ({@code mcc_loss(class_num=32)} in both repositories), blank id 0
     * ({@code <pad>} of facebook/wav2vec2-base-960h).
     */
    public static SutaLossConfig reference() {
        return new SutaLossConfig(2.5, 0.3, true, true, 32, 0);
    }
}
