package io.ttastream.adaptation.loss;

import io.ttastream.kernels.loss.LogSoftmax;

import java.util.Arrays;

import static io.ttastream.kernels.loss.LogSoftmax.logAdd;

/**
 * Connectionist temporal classification loss of one utterance, with its gradient.
 *
 * <p>The logits z [T, C] go through log-softmax over classes; the loss is -log of the total
 * probability of all frame alignments that collapse (merge repeats, then drop blanks) to the
 * target. It is computed with the forward-backward recursions in log space over the target
 * extended with blanks: blank, l_1, blank, l_2, ..., l_L, blank. A repeated label needs a blank
 * between its two copies, so a target is reachable only when T >= L + (number of adjacent
 * repeats). The gradient is d nll / d z_tc = softmax(z_t)_c - (posterior probability that frame
 * t emits class c), the same as PyTorch's ctc_loss composed with log_softmax.
 *
 * <p>Unreachable targets give nll = +infinity (or 0 with {@code zeroInfinity}, as PyTorch's
 * {@code zero_infinity=True}) and, in both cases, a zero gradient. PyTorch returns NaN gradients
 * for them when {@code zero_infinity=False}; a zero gradient is the safer choice for an optimiser.
 */
public final class CtcLoss {

    /**
     * The loss of one utterance.
     *
     * @param nll        negative log-likelihood of the target (+infinity or 0 when unreachable, see zeroInfinity)
     * @param gradLogits d nll / d logits, row-major [T, C]; all zero when the target is unreachable
     * @param reachable  whether any alignment of T frames collapses to the target
     */
    public record Result(double nll, float[] gradLogits, boolean reachable) {}

    /**
     * How per-utterance losses combine over a batch, as in PyTorch's {@code CTCLoss(reduction=...)}.
     * HF Wav2Vec2ForCTC uses {@code config.ctc_loss_reduction}, which is "sum" for
     * facebook/wav2vec2-base-960h.
     */
    public enum Reduction {
        /** Sum of the utterance losses. */
        SUM,
        /** Each loss divided by its target length (at least 1), then averaged over the batch. */
        MEAN;

        /** The factor that multiplies one utterance's loss (and gradient) in the reduced loss. */
        public double weight(int targetLength, int batchSize) {
            return switch (this) {
                case SUM -> 1.0;
                case MEAN -> 1.0 / (Math.max(1, targetLength) * (double) batchSize);
            };
        }

        /** Combines the losses of a batch, utterance i having target length targetLengths[i]. */
        public double reduce(double[] nlls, int[] targetLengths) {
            if (nlls.length != targetLengths.length) {
                throw new IllegalArgumentException("nlls and targetLengths differ in length");
            }
            double sum = 0;
            for (int i = 0; i < nlls.length; i++) sum += weight(targetLengths[i], nlls.length) * nlls[i];
            return sum;
        }
    }

    private final int blankId;
    private final boolean zeroInfinity;

    /**
     * @param blankId      id of the CTC blank class
     * @param zeroInfinity report an unreachable target's loss as 0 instead of +infinity
     */
    public CtcLoss(int blankId, boolean zeroInfinity) {
        if (blankId < 0) throw new IllegalArgumentException("blankId must be >= 0: " + blankId);
        this.blankId = blankId;
        this.zeroInfinity = zeroInfinity;
    }

    /**
     * Loss and gradient for logits [frames, classes] and a target label sequence (which may be
     * empty, meaning all frames should be blank, and must not contain the blank).
     */
    public Result compute(float[] logits, int frames, int classes, int[] targets) {
        LogSoftmax.checkShape(logits, frames, classes);
        if (blankId >= classes) throw new IllegalArgumentException("blankId " + blankId + " >= classes " + classes);
        for (int label : targets) {
            if (label < 0 || label >= classes || label == blankId) {
                throw new IllegalArgumentException("target label " + label + " is blank or outside [0, " + classes + ")");
            }
        }
        double[] logP = LogSoftmax.rows(logits, frames, classes, 1.0);

        int states = 2 * targets.length + 1;
        int[] stateLabel = new int[states];
        for (int s = 0; s < states; s++) stateLabel[s] = s % 2 == 0 ? blankId : targets[s / 2];

        double[] alpha = forward(logP, frames, classes, stateLabel);
        double logLikelihood = logAdd(alpha[(frames - 1) * states + states - 1],
                states > 1 ? alpha[(frames - 1) * states + states - 2] : Double.NEGATIVE_INFINITY);
        float[] grad = new float[frames * classes];
        if (logLikelihood == Double.NEGATIVE_INFINITY) {
            return new Result(zeroInfinity ? 0 : Double.POSITIVE_INFINITY, grad, false);
        }
        double[] beta = backward(logP, frames, classes, stateLabel);

        // Posterior of emitting class c at frame t: sum over states s labelled c of alpha*beta / likelihood.
        double[] posterior = new double[classes];
        for (int t = 0; t < frames; t++) {
            Arrays.fill(posterior, 0);
            for (int s = 0; s < states; s++) {
                double logOccupancy = alpha[t * states + s] + beta[t * states + s] - logLikelihood;
                posterior[stateLabel[s]] += Math.exp(logOccupancy);
            }
            for (int c = 0; c < classes; c++) {
                grad[t * classes + c] = (float) (Math.exp(logP[t * classes + c]) - posterior[c]);
            }
        }
        return new Result(-logLikelihood, grad, true);
    }

    /** alpha[t, s] = log P(frames 0..t emitted along a path that is in state s at t), emission at t included. */
    private static double[] forward(double[] logP, int frames, int classes, int[] stateLabel) {
        int states = stateLabel.length;
        double[] alpha = new double[frames * states];
        Arrays.fill(alpha, Double.NEGATIVE_INFINITY);
        alpha[0] = logP[stateLabel[0]];
        if (states > 1) alpha[1] = logP[stateLabel[1]];
        for (int t = 1; t < frames; t++) {
            for (int s = 0; s < states; s++) {
                double stay = alpha[(t - 1) * states + s];
                double advance = s >= 1 ? alpha[(t - 1) * states + s - 1] : Double.NEGATIVE_INFINITY;
                double skip = canSkipInto(stateLabel, s) ? alpha[(t - 1) * states + s - 2] : Double.NEGATIVE_INFINITY;
                alpha[t * states + s] = logAdd(logAdd(stay, advance), skip) + logP[t * classes + stateLabel[s]];
            }
        }
        return alpha;
    }

    /** beta[t, s] = log P(frames t+1..T-1 emitted and the path ends validly | in state s at t), emission at t excluded. */
    private static double[] backward(double[] logP, int frames, int classes, int[] stateLabel) {
        int states = stateLabel.length;
        double[] beta = new double[frames * states];
        Arrays.fill(beta, Double.NEGATIVE_INFINITY);
        beta[(frames - 1) * states + states - 1] = 0;
        if (states > 1) beta[(frames - 1) * states + states - 2] = 0;
        for (int t = frames - 2; t >= 0; t--) {
            for (int s = 0; s < states; s++) {
                double stay = beta[(t + 1) * states + s] + logP[(t + 1) * classes + stateLabel[s]];
                double advance = s + 1 < states
                        ? beta[(t + 1) * states + s + 1] + logP[(t + 1) * classes + stateLabel[s + 1]]
                        : Double.NEGATIVE_INFINITY;
                double skip = s + 2 < states && canSkipInto(stateLabel, s + 2)
                        ? beta[(t + 1) * states + s + 2] + logP[(t + 1) * classes + stateLabel[s + 2]]
                        : Double.NEGATIVE_INFINITY;
                beta[t * states + s] = logAdd(logAdd(stay, advance), skip);
            }
        }
        return beta;
    }

    /** A path may jump over the blank before state s only into a label that differs from the previous label. */
    private static boolean canSkipInto(int[] stateLabel, int s) {
        return s >= 2 && s % 2 == 1 && stateLabel[s] != stateLabel[s - 2];
    }
}
