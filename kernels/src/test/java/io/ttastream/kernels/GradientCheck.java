package io.ttastream.kernels;

import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Finite-difference gradient checks for float32 ops. The scalar objective is
 * L = sum(out * R) for a fixed random R, so d L / d out = R is what the backward receives.
 * Central differences in float32 carry rounding noise of roughly 1e-7 |L| / eps, hence the
 * tolerance: |numeric - analytic| <= RTOL * max(|numeric|, |analytic|) + ATOL.
 * Shared with other modules through this module's test-jar.
 */
public final class GradientCheck {
    public static final double RTOL = 2e-2;
    public static final double ATOL = 2e-3;
    private static final float EPS = 1e-2f;
    private static final int MAX_PROBES_PER_INPUT = 40;

    private GradientCheck() {
    }

    /** A tensor of standard normal values times {@code scale}, from a seeded generator. */
    public static float[] randn(Random random, int n, double scale) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (random.nextGaussian() * scale);
        }
        return x;
    }

    /**
     * Checks the analytic gradients against central differences.
     *
     * @param forward  recomputes the op's output from the current contents of the inputs
     * @param backward given d out, adds the analytic gradients into {@code grads}
     * @param inputs   the CPU tensors to perturb
     * @param grads    zeroed gradient tensors, one per input, filled by {@code backward}
     */
    public static void check(String op, Supplier<Tensor> forward, Consumer<Tensor> backward,
                             List<Tensor> inputs, List<Tensor> grads, long seed) {
        Random random = new Random(seed);
        Tensor out = forward.get();
        float[] weights = randn(random, out.size(), 1.0);
        Tensor dOut = new CpuTensor(weights.clone(), out.shape());
        backward.accept(dOut);
        for (int t = 0; t < inputs.size(); t++) {
            float[] x = ((CpuTensor) inputs.get(t)).data();
            float[] analytic = grads.get(t).toArray();
            int probes = Math.min(MAX_PROBES_PER_INPUT, x.length);
            for (int p = 0; p < probes; p++) {
                int i = probes == x.length ? p : random.nextInt(x.length);
                float saved = x[i];
                x[i] = saved + EPS;
                double plus = objective(forward.get(), weights);
                x[i] = saved - EPS;
                double minus = objective(forward.get(), weights);
                x[i] = saved;
                double numeric = (plus - minus) / (2 * EPS);
                double diff = Math.abs(numeric - analytic[i]);
                if (diff > RTOL * Math.max(Math.abs(numeric), Math.abs(analytic[i])) + ATOL) {
                    fail(String.format("%s: gradient of input %d at %d: analytic %.6f, numeric %.6f",
                            op, t, i, analytic[i], numeric));
                }
            }
        }
    }

    private static double objective(Tensor out, float[] weights) {
        float[] y = out.toArray();
        double sum = 0;
        for (int i = 0; i < y.length; i++) {
            sum += (double) y[i] * weights[i];
        }
        return sum;
    }
}
