package io.ttastream.adaptation.loss;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CtcLossTest {

    /**
     * Enumerates all classes^frames frame paths, keeps those that collapse to the target, and
     * returns {nll, d nll / d z...}: the gradient is softmax minus the posterior of each frame's class.
     */
    private static double[] bruteForce(float[] logits, int frames, int classes, int blank, int[] target) {
        double[][] p = new double[frames][classes];
        for (int t = 0; t < frames; t++) {
            double norm = 0;
            for (int c = 0; c < classes; c++) norm += Math.exp(logits[t * classes + c]);
            for (int c = 0; c < classes; c++) p[t][c] = Math.exp(logits[t * classes + c]) / norm;
        }
        double total = 0;
        double[][] mass = new double[frames][classes];
        int[] path = new int[frames];
        int paths = (int) Math.pow(classes, frames);
        for (int index = 0; index < paths; index++) {
            int rest = index;
            for (int t = 0; t < frames; t++) {
                path[t] = rest % classes;
                rest /= classes;
            }
            if (!Arrays.equals(collapse(path, blank), target)) continue;
            double probability = 1;
            for (int t = 0; t < frames; t++) probability *= p[t][path[t]];
            total += probability;
            for (int t = 0; t < frames; t++) mass[t][path[t]] += probability;
        }
        double[] out = new double[1 + frames * classes];
        out[0] = -Math.log(total);
        for (int t = 0; t < frames; t++)
            for (int c = 0; c < classes; c++) out[1 + t * classes + c] = p[t][c] - mass[t][c] / total;
        return out;
    }

    private static int[] collapse(int[] path, int blank) {
        List<Integer> labels = new ArrayList<>();
        int previous = -1;
        for (int id : path) {
            if (id != previous && id != blank) labels.add(id);
            previous = id;
        }
        return labels.stream().mapToInt(Integer::intValue).toArray();
    }

    @ParameterizedTest(name = "T={0} C={1} blank={2} target=[{3}]")
    @CsvSource({
            "1, 2, 0, ''",
            "1, 2, 0, 1",
            "4, 3, 0, ''",
            "4, 3, 0, 1",
            "5, 3, 0, 1 2",
            "5, 3, 0, 2 1 2",
            "5, 3, 0, 1 1",
            "3, 3, 0, 1 1",
            "5, 3, 0, 2 2 2",
            "6, 4, 0, 3 1 3",
            "6, 4, 3, 0 0 2",
            "5, 4, 2, 1 3",
    })
    void matchesBruteForceOverAllAlignments(int frames, int classes, int blank, String targetText) {
        int[] target = parseIds(targetText);
        float[] logits = randomLogits(new Random(frames * 100L + classes * 10L + target.length), frames, classes);

        double[] expected = bruteForce(logits, frames, classes, blank, target);
        CtcLoss.Result r = new CtcLoss(blank, false).compute(logits, frames, classes, target);

        assertTrue(r.reachable());
        assertEquals(expected[0], r.nll(), 1e-10 * Math.max(1, expected[0]));
        for (int i = 0; i < frames * classes; i++) {
            assertEquals(expected[1 + i], r.gradLogits()[i], 1e-6, "grad[" + i + "]");
        }
    }

    @Test
    void gradientMatchesFiniteDifferencesOnALongerUtterance() {
        int frames = 30, classes = 7;
        int[] target = {3, 3, 1, 6, 6, 6, 2, 5, 1, 4};
        float[] logits = randomLogits(new Random(11), frames, classes);
        CtcLoss loss = new CtcLoss(0, false);
        CtcLoss.Result r = loss.compute(logits, frames, classes, target);

        // float logits are perturbed by an exactly representable step, so the difference quotient is exact in its inputs.
        float step = 1f / 512;
        for (int i = 0; i < logits.length; i++) {
            float[] up = logits.clone(), down = logits.clone();
            up[i] += step;
            down[i] -= step;
            double numeric = (loss.compute(up, frames, classes, target).nll()
                    - loss.compute(down, frames, classes, target).nll()) / (2 * step);
            assertEquals(numeric, r.gradLogits()[i], 2e-5, "grad[" + i + "]");
        }
    }

    @Test
    void unreachableTargetIsInfiniteWithZeroGradientOrZeroWhenAsked() {
        // "A A" needs a blank between the two A's: 3 frames, not 2.
        float[] logits = randomLogits(new Random(3), 2, 3);
        int[] target = {1, 1};
        CtcLoss.Result infinite = new CtcLoss(0, false).compute(logits, 2, 3, target);
        CtcLoss.Result zeroed = new CtcLoss(0, true).compute(logits, 2, 3, target);

        assertFalse(infinite.reachable());
        assertEquals(Double.POSITIVE_INFINITY, infinite.nll());
        assertEquals(0, zeroed.nll());
        for (int i = 0; i < 6; i++) {
            assertEquals(0f, infinite.gradLogits()[i]);
            assertEquals(0f, zeroed.gradLogits()[i]);
        }
        assertTrue(new CtcLoss(0, false).compute(randomLogits(new Random(3), 3, 3), 3, 3, target).reachable());
    }

    @Test
    void emptyTargetIsTheProbabilityOfAllBlanks() {
        float[] logits = randomLogits(new Random(5), 4, 3);
        double expected = 0;
        for (int t = 0; t < 4; t++) {
            double norm = 0;
            for (int c = 0; c < 3; c++) norm += Math.exp(logits[t * 3 + c]);
            expected -= Math.log(Math.exp(logits[t * 3]) / norm);
        }
        assertEquals(expected, new CtcLoss(0, false).compute(logits, 4, 3, new int[0]).nll(), 1e-12);
    }

    @Test
    void matchesPyTorchGoldenCases() throws IOException {
        // tools/golden/ctc_golden.py: torch.nn.functional.ctc_loss in float64, gradient by autograd.
        List<String> lines;
        try (InputStream in = getClass().getResourceAsStream("/golden-ctc/cases.txt")) {
            assertNotNull(in, "golden-ctc/cases.txt on the test classpath");
            lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
        int cases = 0;
        for (int i = 0; i < lines.size(); i += 5) {
            String[] header = lines.get(i).split(" ");
            String name = header[1];
            int frames = Integer.parseInt(header[2]);
            int classes = Integer.parseInt(header[3]);
            int blank = Integer.parseInt(header[4]);
            boolean zeroInfinity = header[5].equals("1");
            int[] target = parseIds(lines.get(i + 1).substring("targets".length()));
            double[] logitValues = parseDoubles(lines.get(i + 2), "logits");
            double expectedLoss = Double.parseDouble(lines.get(i + 3).substring("loss ".length()));
            double[] expectedGrad = parseDoubles(lines.get(i + 4), "grad");

            float[] logits = new float[logitValues.length];
            for (int k = 0; k < logits.length; k++) logits[k] = (float) logitValues[k];
            CtcLoss.Result r = new CtcLoss(blank, zeroInfinity).compute(logits, frames, classes, target);

            assertEquals(expectedLoss, r.nll(), 1e-9 * Math.max(1, expectedLoss), name);
            for (int k = 0; k < expectedGrad.length; k++) {
                assertEquals(expectedGrad[k], r.gradLogits()[k], 1e-6, name + " grad[" + k + "]");
            }
            cases++;
        }
        assertEquals(5, cases);
    }

    @Test
    void reductionsFollowPyTorch() {
        double[] nlls = {4.0, 9.0};
        int[] targetLengths = {0, 3};
        assertEquals(13.0, CtcLoss.Reduction.SUM.reduce(nlls, targetLengths), 1e-15);
        // mean: each loss over its target length (an empty target counts as 1), then the batch mean.
        assertEquals((4.0 / 1 + 9.0 / 3) / 2, CtcLoss.Reduction.MEAN.reduce(nlls, targetLengths), 1e-15);
        assertEquals(1.0 / 6, CtcLoss.Reduction.MEAN.weight(3, 2), 1e-15);
        assertEquals(1.0, CtcLoss.Reduction.SUM.weight(3, 2));
    }

    @Test
    void rejectsBlankInTargetAndOutOfRangeLabels() {
        CtcLoss loss = new CtcLoss(0, false);
        float[] logits = new float[6];
        assertThrows(IllegalArgumentException.class, () -> loss.compute(logits, 2, 3, new int[]{0}));
        assertThrows(IllegalArgumentException.class, () -> loss.compute(logits, 2, 3, new int[]{3}));
        assertThrows(IllegalArgumentException.class, () -> loss.compute(logits, 3, 3, new int[]{1}));
    }

    private static float[] randomLogits(Random random, int frames, int classes) {
        float[] logits = new float[frames * classes];
        for (int i = 0; i < logits.length; i++) logits[i] = (float) (1.5 * random.nextGaussian());
        return logits;
    }

    private static int[] parseIds(String text) {
        String trimmed = text.trim();
        return trimmed.isEmpty() ? new int[0] : Arrays.stream(trimmed.split(" ")).mapToInt(Integer::parseInt).toArray();
    }

    private static double[] parseDoubles(String line, String key) {
        assertTrue(line.startsWith(key + " "), "expected a '" + key + "' line");
        return Arrays.stream(line.substring(key.length() + 1).trim().split(" ")).mapToDouble(Double::parseDouble).toArray();
    }
}
