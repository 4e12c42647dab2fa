package io.ttastream.kernels.loss;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SutaLossTest {

    /** Reference formulas, written out plainly with the full C x C matrix (no trace shortcut). */
    private static final class PlainSuta {
        final SutaLossConfig config;
        final int frames, classes;

        PlainSuta(SutaLossConfig config, int frames, int classes) {
            this.config = config;
            this.frames = frames;
            this.classes = classes;
        }

        double[][] probabilities(double[] z) {
            double[][] p = new double[frames][classes];
            for (int t = 0; t < frames; t++) {
                double norm = 0;
                for (int c = 0; c < classes; c++) norm += Math.exp(z[t * classes + c] / config.temperature());
                for (int c = 0; c < classes; c++) p[t][c] = Math.exp(z[t * classes + c] / config.temperature()) / norm;
            }
            return p;
        }

        double entropy(double[] pt) {
            double h = 0;
            for (double v : pt) h -= v * Math.log(v);
            return h;
        }

        /** MCC frame weights 1 + exp(-H_t), rescaled to average 1 (or all 1 without reweighting). */
        double[] weights(double[] z) {
            double[][] p = probabilities(z);
            double[] w = new double[frames];
            double sum = 0;
            for (int t = 0; t < frames; t++) {
                w[t] = config.mccReweight() ? 1 + Math.exp(-entropy(p[t])) : 1;
                sum += w[t];
            }
            for (int t = 0; t < frames; t++) w[t] = frames * w[t] / sum;
            return w;
        }

        boolean[] emMask(double[] z) {
            boolean[] mask = new boolean[frames];
            for (int t = 0; t < frames; t++) {
                int best = 0;
                for (int c = 1; c < classes; c++) if (z[t * classes + c] > z[t * classes + best]) best = c;
                mask[t] = !config.emNonBlankOnly() || best != config.blankId();
            }
            return mask;
        }

        double em(double[] z, boolean[] mask) {
            double[][] p = probabilities(z);
            double sum = 0;
            int count = 0;
            for (int t = 0; t < frames; t++) {
                if (mask[t]) {
                    sum += entropy(p[t]);
                    count++;
                }
            }
            return count == 0 ? 0 : sum / count;
        }

        double mcc(double[] z, double[] w) {
            double[][] p = probabilities(z);
            double[][] a = new double[classes][classes];
            for (int i = 0; i < classes; i++)
                for (int j = 0; j < classes; j++)
                    for (int t = 0; t < frames; t++) a[i][j] += p[t][i] * w[t] * p[t][j];
            double sum = 0, trace = 0;
            for (int i = 0; i < classes; i++) {
                double row = 0;
                for (int j = 0; j < classes; j++) row += a[i][j];
                for (int j = 0; j < classes; j++) sum += a[i][j] / row;
                trace += a[i][i] / row;
            }
            return (sum - trace) / config.mccClasses();
        }

        /** The total with the weights and the mask held fixed, as autograd sees it. */
        double total(double[] z, double[] frozenWeights, boolean[] frozenMask) {
            return config.emCoef() * em(z, frozenMask) + (1 - config.emCoef()) * mcc(z, frozenWeights);
        }
    }

    @Test
    void matchesPyTorchAutogradOnATwoFrameExample() {
        // Expected numbers: tools/golden/suta_example.py (PyTorch 1.13, float64 autograd).
        float[] logits = {0.5f, 2.0f, -1.0f, 1.5f, 0.25f, -0.5f};
        SutaLoss.Result r = new SutaLoss(new SutaLossConfig(2.5, 0.3, true, true, 3, 0)).compute(logits, 2, 3);

        assertEquals(0.9885498015391969, r.em(), 1e-12);
        assertEquals(0.6456326662323172, r.mcc(), 1e-12);
        assertEquals(0.7485078068243811, r.total(), 1e-12);
        assertEquals(1.0158023226104427, r.meanEntropyAllFrames(), 1e-12);
        assertFalse(r.collapsed());
        float[] expected = {0.016404853021509118f, -0.03537820465924414f, 0.018973351637735038f,
                -0.00812971208324471f, 0.010195921220056475f, -0.002066209136811764f};
        assertArrayEquals(expected, r.gradLogits(), 1e-7f);
    }

    @Test
    void twoFrameExampleByHand() {
        // Frame 0 predicts class 1 (non-blank), frame 1 predicts the blank: EM is frame 0's entropy alone.
        SutaLossConfig config = new SutaLossConfig(2.0, 0.4, true, false, 3, 0);
        float[] logits = {0f, 2f, -2f, 1f, 0f, 0f};
        double[] p0 = softmax(0 / 2.0, 2 / 2.0, -2 / 2.0);
        double[] p1 = softmax(1 / 2.0, 0 / 2.0, 0 / 2.0);
        double h0 = -(p0[0] * Math.log(p0[0]) + p0[1] * Math.log(p0[1]) + p0[2] * Math.log(p0[2]));
        double h1 = -(p1[0] * Math.log(p1[0]) + p1[1] * Math.log(p1[1]) + p1[2] * Math.log(p1[2]));
        // Without reweighting, A = p0 p0^T + p1 p1^T; its row i sums to p0_i + p1_i.
        double trace = 0;
        for (int i = 0; i < 3; i++) trace += (p0[i] * p0[i] + p1[i] * p1[i]) / (p0[i] + p1[i]);
        double mcc = (3 - trace) / 3;

        SutaLoss.Result r = new SutaLoss(config).compute(logits, 2, 3);

        assertEquals(h0, r.em(), 1e-12);
        assertEquals(mcc, r.mcc(), 1e-12);
        assertEquals(0.4 * h0 + 0.6 * mcc, r.total(), 1e-12);
        assertEquals((h0 + h1) / 2, r.meanEntropyAllFrames(), 1e-12);
    }

    @ParameterizedTest(name = "T={0} C={1} nonBlank={2} reweight={3}")
    @CsvSource({
            "1, 2, true, true",
            "3, 4, true, true",
            "7, 5, false, true",
            "9, 6, true, false",
            "20, 32, true, true",
    })
    void valuesMatchPlainFormulasAndGradientMatchesFiniteDifferences(int frames, int classes,
                                                                     boolean nonBlank, boolean reweight) {
        SutaLossConfig config = new SutaLossConfig(2.5, 0.3, nonBlank, reweight, 32, 0);
        float[] logits = randomLogitsWithoutTies(new Random(frames * 31L + classes), frames, classes, false);
        checkAgainstPlainFormulas(config, logits, frames, classes);
    }

    @Test
    void allBlankFramesCollapseEmToZeroAndKeepTheMccGradient() {
        int frames = 6, classes = 5;
        SutaLossConfig config = SutaLossConfig.reference();
        float[] logits = randomLogitsWithoutTies(new Random(7), frames, classes, true);

        SutaLoss.Result r = new SutaLoss(config).compute(logits, frames, classes);

        assertTrue(r.collapsed());
        assertEquals(0, r.em());
        assertEquals(0.7 * r.mcc(), r.total(), 1e-15);
        assertTrue(r.meanEntropyAllFrames() > 0);
        checkAgainstPlainFormulas(config, logits, frames, classes);
    }

    @Test
    void emOverAllFramesDoesNotCollapse() {
        SutaLossConfig config = new SutaLossConfig(2.5, 0.3, false, true, 32, 0);
        float[] logits = randomLogitsWithoutTies(new Random(8), 4, 3, true);
        SutaLoss.Result r = new SutaLoss(config).compute(logits, 4, 3);
        // The flag still reports the empty transcript, but EM is the all-frame mean, not 0.
        assertTrue(r.collapsed());
        assertEquals(r.meanEntropyAllFrames(), r.em(), 1e-12);
    }

    @Test
    void rejectsMismatchedShapeAndBlankOutsideClasses() {
        SutaLoss loss = new SutaLoss(SutaLossConfig.reference());
        assertThrows(IllegalArgumentException.class, () -> loss.compute(new float[5], 2, 3));
        SutaLoss blankTooLarge = new SutaLoss(new SutaLossConfig(2.5, 0.3, true, true, 32, 3));
        assertThrows(IllegalArgumentException.class, () -> blankTooLarge.compute(new float[6], 2, 3));
        assertThrows(IllegalArgumentException.class, () -> new SutaLossConfig(0, 0.3, true, true, 32, 0));
    }

    private static void checkAgainstPlainFormulas(SutaLossConfig config, float[] logits, int frames, int classes) {
        PlainSuta plain = new PlainSuta(config, frames, classes);
        double[] z = toDouble(logits);
        double[] weights = plain.weights(z);
        boolean[] mask = plain.emMask(z);

        SutaLoss.Result r = new SutaLoss(config).compute(logits, frames, classes);
        assertEquals(plain.em(z, mask), r.em(), 1e-12);
        assertEquals(plain.mcc(z, weights), r.mcc(), 1e-12);
        assertEquals(plain.total(z, weights, mask), r.total(), 1e-12);

        double step = 1e-4;
        for (int i = 0; i < z.length; i++) {
            double[] up = z.clone(), down = z.clone();
            up[i] += step;
            down[i] -= step;
            double numeric = (plain.total(up, weights, mask) - plain.total(down, weights, mask)) / (2 * step);
            assertEquals(numeric, r.gradLogits()[i], 1e-7 + 1e-5 * Math.abs(numeric), "d total / d z[" + i + "]");
        }
    }

    /** Random logits whose top two classes per frame are at least 0.1 apart, blank on top when asked. */
    static float[] randomLogitsWithoutTies(Random random, int frames, int classes, boolean blankOnTop) {
        float[] logits = new float[frames * classes];
        for (int t = 0; t < frames; t++) {
            while (true) {
                for (int c = 0; c < classes; c++) logits[t * classes + c] = (float) (2 * random.nextGaussian());
                if (blankOnTop) logits[t * classes] = 6f;
                float best = Float.NEGATIVE_INFINITY, second = Float.NEGATIVE_INFINITY;
                for (int c = 0; c < classes; c++) {
                    float v = logits[t * classes + c];
                    if (v > best) { second = best; best = v; } else if (v > second) second = v;
                }
                if (best - second > 0.1f) break;
            }
        }
        return logits;
    }

    private static double[] softmax(double... x) {
        double norm = 0;
        for (double v : x) norm += Math.exp(v);
        double[] p = new double[x.length];
        for (int i = 0; i < x.length; i++) p[i] = Math.exp(x[i]) / norm;
        return p;
    }

    private static double[] toDouble(float[] x) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) out[i] = x[i];
        return out;
    }
}
