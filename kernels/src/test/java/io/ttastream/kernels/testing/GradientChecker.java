package io.ttastream.kernels.testing;

import io.ttastream.kernels.Backend;
import io.ttastream.kernels.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Checks a backward against central finite differences of its forward, for any {@link Backend}.
 *
 * <p>The scalar objective is L = sum(output * r) with fixed random weights r, so the output
 * gradient fed to the backward is r. For each registered input the checker compares the
 * analytic dL/dx against (L(x + h) - L(x - h)) / (2h) at up to {@link #probes(int)} random
 * elements (L summed in double). It also checks the backward contract of {@link Backend}:
 * <ul>
 *   <li>gradients <b>accumulate</b>: gradient buffers start from random values, and the
 *       analytic gradient is what the backward added to them;</li>
 *   <li>a {@code null} gradient output is skipped: the backward is rerun with only one
 *       gradient requested at a time and must add exactly the same values.</li>
 * </ul>
 *
 * <p>Default tolerance, for float32 forwards: |numeric - analytic| <= atol + rtol * max(|numeric|,
 * |analytic|) with h = 1e-2, rtol = 1e-2, atol = 1e-3. Central differences err by h^2 f''' / 6,
 * about 1e-5 for the smooth O(1)-scaled ops tested here; float32 rounding of the outputs adds
 * about eps * |L| / h, with eps = 6e-8 and |L| up to a few hundred, about 1e-3. Both stay below
 * the tolerance while a wrong factor, a missing term or an overwrite instead of an add exceed it.
 */
public final class GradientChecker {
    /** Runs the backward: {@code gradients[i]} is the output for the i-th input, or null when not wanted. */
    @FunctionalInterface
    public interface Backward {
        void run(Tensor dOutput, Tensor[] gradients);
    }

    private record Input(String name, Tensor value) {
    }

    private final Backend backend;
    private final Random random;
    private final List<Input> inputs = new ArrayList<>();
    private double step = 1e-2;
    private double rtol = 1e-2;
    private double atol = 1e-3;
    private int probes = 40;

    public GradientChecker(Backend backend, long seed) {
        this.backend = backend;
        this.random = new Random(seed);
    }

    /** Registers an input to differentiate with respect to; gradients come in registration order. */
    public GradientChecker input(String name, Tensor value) {
        inputs.add(new Input(name, value));
        return this;
    }

    /** The finite-difference step h. */
    public GradientChecker step(double h) {
        this.step = h;
        return this;
    }

    public GradientChecker tolerance(double absolute, double relative) {
        this.atol = absolute;
        this.rtol = relative;
        return this;
    }

    /** At most this many elements per input are perturbed (all of them when the input is smaller). */
    public GradientChecker probes(int maxPerInput) {
        this.probes = maxPerInput;
        return this;
    }

    /**
     * Runs the check. {@code forward} must recompute {@code output} from the registered inputs'
     * current values (and may overwrite any saved state the backward reads).
     *
     * @throws AssertionError naming the input and element of the first mismatch
     */
    public void check(Tensor output, Runnable forward, Backward backward) {
        float[] weights = gaussians(output.size());
        Tensor dOutput = backend.fromArray(weights, output.shape());

        forward.run();
        float[][] analytic = runBackward(dOutput, backward, -1);
        for (int i = 0; i < inputs.size(); i++) {
            float[] alone = runBackward(dOutput, backward, i)[i];
            assertSame(inputs.get(i).name() + ": gradient computed alone (others null)", analytic[i], alone);
        }

        for (int i = 0; i < inputs.size(); i++) {
            Input input = inputs.get(i);
            float[] values = input.value().toArray();
            for (int index : probeIndices(values.length)) {
                float original = values[index];
                float plus = (float) (original + step), minus = (float) (original - step);
                values[index] = plus;
                input.value().copyFrom(values);
                double lossPlus = loss(output, forward, weights);
                values[index] = minus;
                input.value().copyFrom(values);
                double lossMinus = loss(output, forward, weights);
                values[index] = original;
                input.value().copyFrom(values);
                double numeric = (lossPlus - lossMinus) / ((double) plus - minus);
                double exact = analytic[i][index];
                if (Math.abs(numeric - exact) > atol + rtol * Math.max(Math.abs(numeric), Math.abs(exact))) {
                    throw new AssertionError(String.format(
                            "d%s[%d]: analytic %.6g, finite difference %.6g", input.name(), index, exact, numeric));
                }
            }
        }
        forward.run();
    }

    /**
     * Runs the backward into gradient buffers pre-filled with random values, returning what it
     * added. {@code only} >= 0 requests just that input's gradient.
     */
    private float[][] runBackward(Tensor dOutput, Backward backward, int only) {
        Tensor[] gradients = new Tensor[inputs.size()];
        float[][] before = new float[inputs.size()][];
        for (int i = 0; i < inputs.size(); i++) {
            if (only < 0 || only == i) {
                before[i] = gaussians(inputs.get(i).value().size());
                gradients[i] = backend.fromArray(before[i], inputs.get(i).value().shape());
            }
        }
        backward.run(dOutput, gradients);
        float[][] added = new float[inputs.size()][];
        for (int i = 0; i < inputs.size(); i++) {
            if (gradients[i] != null) {
                float[] after = gradients[i].toArray();
                added[i] = new float[after.length];
                for (int j = 0; j < after.length; j++) {
                    added[i][j] = after[j] - before[i][j];
                }
            }
        }
        return added;
    }

    private static void assertSame(String what, float[] expected, float[] actual) {
        for (int j = 0; j < expected.length; j++) {
            // Both runs add the same values to different random starting points: allow the rounding of that add.
            double tolerance = 1e-5 * (1 + Math.abs(expected[j]));
            if (Math.abs(expected[j] - actual[j]) > tolerance) {
                throw new AssertionError(what + " differs at " + j + ": " + actual[j] + " vs " + expected[j]);
            }
        }
    }

    private double loss(Tensor output, Runnable forward, float[] weights) {
        forward.run();
        float[] out = output.toArray();
        double loss = 0;
        for (int j = 0; j < out.length; j++) {
            loss += (double) out[j] * weights[j];
        }
        return loss;
    }

    private int[] probeIndices(int size) {
        if (size <= probes) {
            int[] all = new int[size];
            for (int i = 0; i < size; i++) {
                all[i] = i;
            }
            return all;
        }
        return random.ints(probes, 0, size).toArray();
    }

    private float[] gaussians(int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }
}
