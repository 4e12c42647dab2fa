package io.ttastream.kernels.loss;

/**
 * The SUTA test-time adaptation loss and its exact gradient with respect to the logits.
 *
 * <p>For logits z of shape [T, C] and p_t = softmax(z_t / temperature), with the entropy
 * H_t = -sum_c p_tc log p_tc:
 * <ul>
 *   <li><b>EM</b>: the mean of H_t over the frames whose argmax of z is not blank (over all
 *       frames if {@code emNonBlankOnly} is off). With no such frame, EM is 0 and the result is
 *       flagged {@code collapsed}, as Dynamic SUTA does (SUTA would produce NaN).</li>
 *   <li><b>MCC</b> over all frames: w_t = 1 + exp(-H_t) treated as a constant, rescaled so that it
 *       averages 1; A = P^T diag(w) P; each row of A divided by its sum; MCC = (sum of the
 *       normalised matrix - its trace) / {@code mccClasses}.</li>
 *   <li><b>total</b> = emCoef * EM + (1 - emCoef) * MCC.</li>
 * </ul>
 * The gradient treats the weights w and the non-blank mask as constants, which is what autograd
 * gives in the reference: the weights are detached and the argmax is piecewise constant.
 * Everything is computed in double; only the returned gradient is float.
 */
public final class SutaLoss {

    /**
     * One evaluation of the loss.
     *
     * @param em                   entropy term (0 when collapsed and EM is restricted to non-blank frames)
     * @param mcc                  minimum class confusion term
     * @param total                emCoef * em + (1 - emCoef) * mcc, the value the gradient belongs to
     * @param collapsed            every frame's greedy label is blank (the transcript is empty)
     * @param meanEntropyAllFrames mean of H_t over all frames, for monitoring
     * @param gradLogits           d total / d logits, row-major [T, C]
     */
    public record Result(
            double em,
            double mcc,
            double total,
            boolean collapsed,
            double meanEntropyAllFrames,
            float[] gradLogits) {}

    private final SutaLossConfig config;

    public SutaLoss(SutaLossConfig config) {
        this.config = config;
    }

    public SutaLossConfig config() {
        return config;
    }

    /** Evaluates the loss and its gradient for one utterance's logits, row-major [frames, classes]. */
    public Result compute(float[] logits, int frames, int classes) {
        LogSoftmax.checkShape(logits, frames, classes);
        if (config.blankId() >= classes) {
            throw new IllegalArgumentException("blankId " + config.blankId() + " >= classes " + classes);
        }
        double invTemperature = 1.0 / config.temperature();
        double[] logP = LogSoftmax.rows(logits, frames, classes, invTemperature);
        double[] p = new double[logP.length];
        for (int i = 0; i < p.length; i++) p[i] = Math.exp(logP[i]);

        double[] entropy = new double[frames];
        double entropySum = 0;
        for (int t = 0; t < frames; t++) {
            double h = 0;
            for (int c = 0; c < classes; c++) h -= p[t * classes + c] * logP[t * classes + c];
            entropy[t] = h;
            entropySum += h;
        }

        // The non-blank mask uses the raw logits, like the greedy decoder (dividing by T keeps the argmax).
        int[] bestIds = LogSoftmax.argmax(logits, classes);
        boolean[] inEm = new boolean[frames];
        int emFrames = 0;
        for (int t = 0; t < frames; t++) {
            inEm[t] = !config.emNonBlankOnly() || bestIds[t] != config.blankId();
            if (inEm[t]) emFrames++;
        }
        boolean collapsed = true;
        for (int id : bestIds) collapsed &= id == config.blankId();

        // dLoss/dp accumulates here; one softmax backward at the end turns it into dLoss/dz.
        double[] gradP = new double[p.length];
        double em = entropyMinimisation(p, logP, entropy, inEm, emFrames, frames, classes, gradP);
        double mcc = minimumClassConfusion(p, entropy, frames, classes, gradP);
        double total = config.emCoef() * em + (1 - config.emCoef()) * mcc;

        float[] gradLogits = new float[p.length];
        for (int t = 0; t < frames; t++) {
            int base = t * classes;
            double pDotGrad = 0;
            for (int c = 0; c < classes; c++) pDotGrad += p[base + c] * gradP[base + c];
            for (int c = 0; c < classes; c++) {
                gradLogits[base + c] = (float) (invTemperature * p[base + c] * (gradP[base + c] - pDotGrad));
            }
        }
        return new Result(em, mcc, total, collapsed, entropySum / frames, gradLogits);
    }

    /** Mean entropy over the selected frames; adds emCoef * dEM/dp into gradP. */
    private double entropyMinimisation(double[] p, double[] logP, double[] entropy, boolean[] inEm,
                                       int emFrames, int frames, int classes, double[] gradP) {
        if (emFrames == 0) return 0;
        double sum = 0;
        double scale = config.emCoef() / emFrames;
        for (int t = 0; t < frames; t++) {
            if (!inEm[t]) continue;
            sum += entropy[t];
            // dH/dp_c = -(log p_c + 1)
            for (int c = 0; c < classes; c++) gradP[t * classes + c] -= scale * (logP[t * classes + c] + 1);
        }
        return sum / emFrames;
    }

    /**
     * Reweighted minimum class confusion; adds (1 - emCoef) * dMCC/dp into gradP.
     *
     * <p>Because each frame's p sums to 1, the row sums of A are s_i = sum_t w_t p_ti, and every
     * normalised row sums to exactly 1. So the sum of the normalised matrix is the class count
     * and MCC = (C - sum_i A_ii / s_i) / divisor, with A_ii = sum_t w_t p_ti^2. That is the same
     * function of z as the reference's full C x C computation, gradient included.
     */
    private double minimumClassConfusion(double[] p, double[] entropy, int frames, int classes, double[] gradP) {
        double[] weight = new double[frames];
        double weightSum = 0;
        for (int t = 0; t < frames; t++) {
            weight[t] = config.mccReweight() ? 1 + Math.exp(-entropy[t]) : 1;
            weightSum += weight[t];
        }
        for (int t = 0; t < frames; t++) weight[t] *= frames / weightSum;

        double[] rowSum = new double[classes];
        double[] diagonal = new double[classes];
        for (int t = 0; t < frames; t++) {
            for (int i = 0; i < classes; i++) {
                double pti = p[t * classes + i];
                rowSum[i] += weight[t] * pti;
                diagonal[i] += weight[t] * pti * pti;
            }
        }
        double normalisedTrace = 0;
        for (int i = 0; i < classes; i++) normalisedTrace += diagonal[i] / rowSum[i];

        // d(A_ii / s_i)/dp_ti = w_t (2 p_ti / s_i - A_ii / s_i^2); MCC has it with a minus sign.
        double scale = (1 - config.emCoef()) / config.mccClasses();
        for (int t = 0; t < frames; t++) {
            for (int i = 0; i < classes; i++) {
                double s = rowSum[i];
                gradP[t * classes + i] -= scale * weight[t] * (2 * p[t * classes + i] / s - diagonal[i] / (s * s));
            }
        }
        return (classes - normalisedTrace) / config.mccClasses();
    }
}
