package io.ttastream.kernels.cuda;

import io.ttastream.kernels.Backend;
import io.ttastream.kernels.Backends;
import io.ttastream.kernels.CpuBackend;
import io.ttastream.kernels.Tensor;
import io.ttastream.kernels.cuda.CudaBackend.MatmulPrecision;
import io.ttastream.kernels.loss.SutaLossConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Function;

/**
 * CUDA against CPU, op by op: every {@link Backend} op forward and backward on random inputs,
 * with stated tolerances. The JUnit suite (CudaParityTest) runs these cases where a GPU is
 * present; this class's {@link #main} runs them from a plain {@code java} command line, as the
 * GPU bundle does on a machine without Maven, and prints one table row per case.
 *
 * <p>A case passes when every output element satisfies
 * {@code |cuda - cpu| <= atol + rtol * |cpu|}. Backward cases start their gradients at random
 * values, so they also check that backward ops add into their outputs.
 */
public final class CudaParityCheck {
    /** Elementwise FP32 kernels: float rounding, and erf/exp implementations that differ in the last bits. */
    static final Tolerance ELEMENTWISE = new Tolerance(1e-6, 1e-5);
    /** FP32 kernels with sums over hundreds of terms, summed in a different order than the CPU's. */
    static final Tolerance REDUCTION = new Tolerance(1e-4, 1e-4);
    /**
     * The SUTA loss: float exps, logs and sums over frames against the CPU's doubles; its gradients are
     * means over frames (about 1e-3), so the absolute bound is far below them.
     */
    static final Tolerance LOSS = new Tolerance(1e-6, 1e-3);
    /** TF32 products: inputs rounded to a 10-bit mantissa, about 5e-4 relative each. */
    static final Tolerance TF32 = new Tolerance(2e-2, 1e-2);

    private CudaParityCheck() {
    }

    /** An element passes when |candidate - reference| <= atol + rtol * |reference|. */
    public record Tolerance(double atol, double rtol) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%.0e + %.0e|x|", atol, rtol);
        }

        /** Both bounds times {@code factor}, for longer sums. */
        Tolerance scaledBy(double factor) {
            return new Tolerance(atol * factor, rtol * factor);
        }
    }

    /**
     * One comparison: {@code run} builds its inputs from a seeded generator on the backend it is
     * given, runs one op or a forward and backward pair, and returns every output concatenated.
     * {@code precision} is the matrix-product mode of the CUDA backend the case needs.
     */
    public record Case(String name, MatmulPrecision precision, Tolerance tolerance, Function<Inputs, float[]> run) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** The outcome of one case. */
    public record Result(String name, double maxAbsError, Tolerance tolerance, String failure) {
        public boolean ok() {
            return failure == null;
        }

        String row() {
            return String.format(Locale.ROOT, "%-44s | %11.3e | %-15s | %s", name, maxAbsError, tolerance,
                    ok() ? "ok" : "FAIL " + failure);
        }
    }

    /** Random inputs on one backend, identical on every backend for the same case. */
    public static final class Inputs {
        private final Backend backend;
        private final Random random;

        Inputs(Backend backend, long seed) {
            this.backend = backend;
            this.random = new Random(seed);
        }

        /** The backend the case runs on. */
        public Backend backend() {
            return backend;
        }

        /** A tensor of standard normal values. */
        public Tensor gaussian(int... shape) {
            float[] values = new float[size(shape)];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) random.nextGaussian();
            }
            return backend.fromArray(values, shape);
        }

        /** A tensor of values uniform in [lo, hi). */
        public Tensor uniform(float lo, float hi, int... shape) {
            float[] values = new float[size(shape)];
            for (int i = 0; i < values.length; i++) {
                values[i] = lo + (hi - lo) * random.nextFloat();
            }
            return backend.fromArray(values, shape);
        }

        /** The elements of every tensor, one after the other. */
        public static float[] outputs(Tensor... tensors) {
            int total = 0;
            for (Tensor t : tensors) {
                total += t.size();
            }
            float[] all = new float[total];
            int at = 0;
            for (Tensor t : tensors) {
                float[] values = t.toArray();
                System.arraycopy(values, 0, all, at, values.length);
                at += values.length;
            }
            return all;
        }

        private static int size(int[] shape) {
            int n = 1;
            for (int d : shape) {
                n *= d;
            }
            return n;
        }
    }

    /** Runs a case on both backends from the same inputs and compares the outputs. */
    public static Result compare(Case c, Backend reference, Backend candidate) {
        long seed = c.name().hashCode();
        float[] expected = c.run().apply(new Inputs(reference, seed));
        float[] actual = c.run().apply(new Inputs(candidate, seed));
        Tolerance tol = c.tolerance();
        if (expected.length != actual.length) {
            return new Result(c.name(), Double.NaN, tol, actual.length + " outputs, expected " + expected.length);
        }
        double maxAbs = 0;
        String failure = null;
        for (int i = 0; i < expected.length; i++) {
            double error = Math.abs((double) actual[i] - expected[i]);
            // NaN in either side fails: !(NaN <= x).
            boolean within = error <= tol.atol() + tol.rtol() * Math.abs(expected[i]);
            maxAbs = Double.isNaN(error) ? Double.NaN : Double.isNaN(maxAbs) ? maxAbs : Math.max(maxAbs, error);
            if (!within && failure == null) {
                failure = "element " + i + ": " + actual[i] + ", expected " + expected[i];
            }
        }
        return new Result(c.name(), maxAbs, tol, failure);
    }

    // ---------------------------------------------------------------- the cases

    /** Every case: all ops in FP32, and the product ops again with TF32 tensor cores. */
    public static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        addElementwise(cases);
        for (MatmulPrecision precision : MatmulPrecision.values()) {
            addProducts(cases, precision);
        }
        addNormalisation(cases);
        addActivations(cases);
        addLosses(cases);
        return cases;
    }

    private static void fp32(List<Case> cases, String name, Tolerance tolerance, Function<Inputs, float[]> run) {
        cases.add(new Case(name, MatmulPrecision.FP32, tolerance, run));
    }

    private static void addElementwise(List<Case> cases) {
        fp32(cases, "fill + copy (reshaped)", ELEMENTWISE, in -> {
            Tensor src = in.gaussian(6, 35), dst = in.backend().allocate(7, 30), filled = in.backend().allocate(1000);
            in.backend().copy(dst, src);
            in.backend().fill(filled, -2.5f);
            return Inputs.outputs(dst, filled);
        });
        fp32(cases, "add (out aliases a)", ELEMENTWISE, in -> {
            Tensor a = in.gaussian(33, 129), b = in.gaussian(33, 129);
            in.backend().add(a, a, b);
            return Inputs.outputs(a);
        });
        fp32(cases, "axpy", ELEMENTWISE, in -> {
            Tensor y = in.gaussian(10_001), x = in.gaussian(10_001);
            in.backend().axpy(y, -0.75f, x);
            return Inputs.outputs(y);
        });
        fp32(cases, "scale", ELEMENTWISE, in -> {
            Tensor x = in.gaussian(70, 71), out = in.backend().allocate(70 * 71);
            in.backend().scale(out, x, 1.5f);
            return Inputs.outputs(out);
        });
        fp32(cases, "mul", ELEMENTWISE, in -> {
            Tensor a = in.gaussian(5000), b = in.gaussian(5000), out = in.backend().allocate(5000);
            in.backend().mul(out, a, b);
            return Inputs.outputs(out);
        });
        fp32(cases, "sum, sumOfSquares (1e6 elements)", new Tolerance(1e-2, 1e-5), in -> {
            Tensor x = in.gaussian(1_000_003);
            return new float[] {in.backend().sum(x), in.backend().sumOfSquares(x)};
        });
        fp32(cases, "allFinite", ELEMENTWISE, in -> {
            Tensor finite = in.gaussian(5000), broken = in.gaussian(5000);
            float[] values = broken.toArray();
            values[4321] = Float.NaN;
            broken.copyFrom(values);
            Tensor infinite = in.backend().fromArray(new float[] {1f, Float.NEGATIVE_INFINITY}, 2);
            return new float[] {flag(in.backend().allFinite(finite)), flag(in.backend().allFinite(broken)),
                flag(in.backend().allFinite(infinite))};
        });
        fp32(cases, "sumOfSquares, allFinite over a list of tensors", new Tolerance(1e-3, 1e-5), in -> {
            List<Tensor> tensors = new ArrayList<>(List.of(in.gaussian(1), in.gaussian(300_001), in.gaussian(77, 45)));
            float sumOfSquares = in.backend().sumOfSquares(tensors);
            boolean finite = in.backend().allFinite(tensors);
            tensors.add(in.backend().fromArray(new float[] {0f, Float.NaN}, 2));
            return new float[] {sumOfSquares, flag(finite), flag(in.backend().allFinite(tensors)),
                flag(in.backend().allFinite(List.of()))};
        });
        fp32(cases, "transpose + transposeBackward", ELEMENTWISE, in -> {
            Tensor x = in.gaussian(77, 45), y = in.backend().allocate(45, 77), dx = in.gaussian(77, 45);
            in.backend().transpose(y, x);
            in.backend().transposeBackward(dx, in.gaussian(45, 77));
            return Inputs.outputs(y, dx);
        });
    }

    private static float flag(boolean b) {
        return b ? 1f : 0f;
    }

    /** matmul, linear, conv1d and attention: the ops that run on the GEMM kernels. */
    private static void addProducts(List<Case> cases, MatmulPrecision precision) {
        String suffix = precision == MatmulPrecision.FP32 ? "" : " [tf32]";
        Tolerance tol = precision == MatmulPrecision.FP32 ? REDUCTION : TF32;
        for (boolean transA : new boolean[] {false, true}) {
            for (boolean transB : new boolean[] {false, true}) {
                String name = "matmul " + (transA ? "A^T" : "A") + " " + (transB ? "B^T" : "B") + " (+= C)" + suffix;
                cases.add(new Case(name, precision, tol, in -> {
                    int m = 67, n = 45, k = 130;
                    Tensor a = transA ? in.gaussian(k, m) : in.gaussian(m, k);
                    Tensor b = transB ? in.gaussian(n, k) : in.gaussian(k, n);
                    Tensor out = in.gaussian(m, n), fresh = in.backend().allocate(m, n);
                    in.backend().matmul(out, a, transA, b, transB, true);
                    in.backend().matmul(fresh, a, transA, b, transB, false);
                    return Inputs.outputs(out, fresh);
                }));
            }
        }
        cases.add(new Case("matmul 200x768 * 768x3072" + suffix, precision, tol.scaledBy(4), in -> {
            Tensor a = in.gaussian(200, 768), b = in.uniform(-0.05f, 0.05f, 768, 3072), out = in.backend().allocate(200, 3072);
            in.backend().matmul(out, a, false, b, false, false);
            return Inputs.outputs(out);
        }));
        cases.add(new Case("linear + linearBackward" + suffix, precision, tol, in -> {
            Tensor x = in.gaussian(50, 96), w = in.gaussian(80, 96), bias = in.gaussian(80), y = in.backend().allocate(50, 80);
            Tensor dx = in.gaussian(50, 96), dw = in.gaussian(80, 96), dbias = in.gaussian(80);
            in.backend().linear(y, x, w, bias);
            in.backend().linearBackward(dx, dw, dbias, in.gaussian(50, 80), x, w);
            return Inputs.outputs(y, dx, dw, dbias);
        }));
        cases.add(new Case("linear (no bias) + backward (dx only)" + suffix, precision, tol, in -> {
            Tensor x = in.gaussian(3, 7, 33), w = in.gaussian(20, 33), y = in.backend().allocate(21, 20);
            Tensor dx = in.gaussian(3, 7, 33);
            in.backend().linear(y, x, w, null);
            in.backend().linearBackward(dx, null, null, in.gaussian(21, 20), x, w);
            return Inputs.outputs(y, dx);
        }));
        // Feature-extractor-like: Cin 1, K 10, stride 5; then K 3, stride 2; the grouped positional conv with
        // wav2vec2's even-kernel "same" padding.
        addConv(cases, "conv1d 1->16 k10 s5" + suffix, precision, tol, 1, 16, 10, 5, 0, 0, 1, 400);
        addConv(cases, "conv1d 24->24 k3 s2" + suffix, precision, tol, 24, 24, 3, 2, 0, 0, 1, 161);
        addConv(cases, "conv1d 64->64 k16 pad 8/7 groups 16" + suffix, precision, tol, 64, 64, 16, 1, 8, 7, 16, 50);
        cases.add(new Case("attention + backward, T 50 H 4 D 16" + suffix, precision, tol, in -> attention(in, 50, 4, 16)));
        cases.add(new Case("attention + backward, T 150 H 12 D 64" + suffix, precision, tol, in -> attention(in, 150, 12, 64)));
    }

    private static void addConv(List<Case> cases, String name, MatmulPrecision precision, Tolerance tol, int cin,
                                int cout, int k, int stride, int padLeft, int padRight, int groups, int tin) {
        cases.add(new Case(name + " + backward", precision, tol, in -> {
            int tout = (tin + padLeft + padRight - k) / stride + 1;
            Tensor x = in.gaussian(cin, tin), w = in.gaussian(cout, cin / groups, k), bias = in.gaussian(cout);
            Tensor y = in.backend().allocate(cout, tout);
            Tensor dx = in.gaussian(cin, tin), dw = in.gaussian(cout, cin / groups, k), dbias = in.gaussian(cout);
            Tensor dxOnly = in.gaussian(cin, tin), dy = in.gaussian(cout, tout);
            in.backend().conv1d(y, x, w, bias, stride, padLeft, padRight, groups);
            in.backend().conv1dBackward(dx, dw, dbias, dy, x, w, stride, padLeft, padRight, groups);
            in.backend().conv1dBackward(dxOnly, null, null, dy, x, w, stride, padLeft, padRight, groups);
            return Inputs.outputs(y, dx, dw, dbias, dxOnly);
        }));
    }

    private static float[] attention(Inputs in, int t, int heads, int d) {
        int width = heads * d;
        Tensor q = in.gaussian(t, width), k = in.gaussian(t, width), v = in.gaussian(t, width);
        Tensor out = in.backend().allocate(t, width), probs = in.backend().allocate(heads, t, t);
        Tensor dq = in.gaussian(t, width), dk = in.gaussian(t, width), dv = in.gaussian(t, width);
        in.backend().attention(out, probs, q, k, v, heads);
        in.backend().attentionBackward(dq, dk, dv, in.gaussian(t, width), q, k, v, probs, heads);
        return Inputs.outputs(out, probs, dq, dk, dv);
    }

    private static void addNormalisation(List<Case> cases) {
        fp32(cases, "layerNorm + backward, 50 x 768", REDUCTION, in -> {
            Tensor x = in.gaussian(50, 768), gamma = in.gaussian(768), beta = in.gaussian(768);
            Tensor y = in.backend().allocate(50, 768), mean = in.backend().allocate(50), rstd = in.backend().allocate(50);
            Tensor dx = in.gaussian(50, 768), dgamma = in.gaussian(768), dbeta = in.gaussian(768);
            in.backend().layerNorm(y, mean, rstd, x, gamma, beta, 1e-5f);
            in.backend().layerNormBackward(dx, dgamma, dbeta, in.gaussian(50, 768), x, mean, rstd, gamma);
            return Inputs.outputs(y, mean, rstd, dx, dgamma, dbeta);
        });
        fp32(cases, "addLayerNorm, 50 x 768, the sum in place of a", REDUCTION, in -> {
            Tensor a = in.gaussian(50, 768), b = in.gaussian(50, 768), gamma = in.gaussian(768), beta = in.gaussian(768);
            Tensor y = in.backend().allocate(50, 768), mean = in.backend().allocate(50), rstd = in.backend().allocate(50);
            in.backend().addLayerNorm(a, y, mean, rstd, a, b, gamma, beta, 1e-5f);
            return Inputs.outputs(a, y, mean, rstd);
        });
        fp32(cases, "layerNorm backward (params only), 7 x 37", REDUCTION, in -> {
            Tensor x = in.gaussian(7, 37), gamma = in.gaussian(37), beta = in.gaussian(37);
            Tensor y = in.backend().allocate(7, 37), mean = in.backend().allocate(7), rstd = in.backend().allocate(7);
            Tensor dgamma = in.gaussian(37), dbeta = in.gaussian(37);
            in.backend().layerNorm(y, mean, rstd, x, gamma, beta, 1e-5f);
            in.backend().layerNormBackward(null, dgamma, dbeta, in.gaussian(7, 37), x, mean, rstd, gamma);
            return Inputs.outputs(dgamma, dbeta);
        });
        // The lv60 feature encoder's shape: 512 channels by 1,599 steps (the first conv layer on 0.5 s).
        fp32(cases, "layerNormChannelMajor + backward, 512 x 1599", REDUCTION, in -> {
            Tensor x = in.gaussian(512, 1599), gamma = in.gaussian(512), beta = in.gaussian(512);
            Tensor y = in.backend().allocate(512, 1599);
            Tensor mean = in.backend().allocate(1599), rstd = in.backend().allocate(1599);
            Tensor dx = in.gaussian(512, 1599), dgamma = in.gaussian(512), dbeta = in.gaussian(512);
            in.backend().layerNormChannelMajor(y, mean, rstd, x, gamma, beta, 1e-5f);
            in.backend().layerNormChannelMajorBackward(dx, dgamma, dbeta, in.gaussian(512, 1599), x, mean, rstd, gamma);
            return Inputs.outputs(y, mean, rstd, dx, dgamma, dbeta);
        });
        addGroupNorm(cases, 32, 400, 32);
        addGroupNorm(cases, 12, 50, 3);
        addWeightNorm(cases, new int[] {64, 4, 16}, 2);
        addWeightNorm(cases, new int[] {12, 5, 3}, 0);
    }

    private static void addGroupNorm(List<Case> cases, int channels, int steps, int groups) {
        fp32(cases, "groupNorm + backward, " + channels + " x " + steps + " groups " + groups, REDUCTION, in -> {
            Tensor x = in.gaussian(channels, steps), gamma = in.gaussian(channels), beta = in.gaussian(channels);
            Tensor y = in.backend().allocate(channels, steps);
            Tensor mean = in.backend().allocate(groups), rstd = in.backend().allocate(groups);
            Tensor dx = in.gaussian(channels, steps), dgamma = in.gaussian(channels), dbeta = in.gaussian(channels);
            in.backend().groupNorm(y, mean, rstd, x, groups, gamma, beta, 1e-5f);
            in.backend().groupNormBackward(dx, dgamma, dbeta, in.gaussian(channels, steps), x, groups, mean, rstd, gamma);
            return Inputs.outputs(y, mean, rstd, dx, dgamma, dbeta);
        });
    }

    private static void addWeightNorm(List<Case> cases, int[] shape, int dim) {
        int[] gShape = {1, 1, 1};
        gShape[dim] = shape[dim];
        fp32(cases, "weightNorm + backward, dim " + dim, REDUCTION, in -> {
            Tensor v = in.gaussian(shape), g = in.gaussian(gShape), w = in.backend().allocate(shape);
            Tensor dg = in.gaussian(gShape), dv = in.gaussian(shape);
            in.backend().weightNorm(w, g, v, dim);
            in.backend().weightNormBackward(dg, dv, in.gaussian(shape), g, v, dim);
            return Inputs.outputs(w, dg, dv);
        });
    }

    private static void addLosses(List<Case> cases) {
        SutaLossConfig reference = SutaLossConfig.reference();
        // Peaked rows like a trained model's (logits in [-8, 8)), and a wider vocabulary than a warp with the
        // plain settings (no non-blank restriction, no reweighting, temperature 1).
        fp32(cases, "sutaLoss, 300 x 32, the reference settings", LOSS,
                in -> sutaLoss(in, in.uniform(-8f, 8f, 300, 32), reference));
        fp32(cases, "sutaLoss, 70 x 45, plain settings", LOSS,
                in -> sutaLoss(in, in.uniform(-8f, 8f, 70, 45), new SutaLossConfig(1.0, 0.5, false, false, 45, 3)));
        fp32(cases, "sutaLoss, 40 x 32, every frame blank (collapsed)", LOSS, in -> {
            float[] logits = in.uniform(-3f, 3f, 40, 32).toArray();
            for (int t = 0; t < 40; t++) {
                logits[t * 32] = 5f;  // blank (id 0) wins every frame
            }
            return sutaLoss(in, in.backend().fromArray(logits, 40, 32), reference);
        });
    }

    private static float[] sutaLoss(Inputs in, Tensor logits, SutaLossConfig config) {
        Tensor dLogits = in.backend().allocate(logits.shape()), stats = in.backend().allocate(Backend.SUTA_STATS);
        in.backend().sutaLoss(dLogits, stats, logits, config);
        return Inputs.outputs(stats, dLogits);
    }

    private static void addActivations(List<Case> cases) {
        fp32(cases, "gelu + geluBackward", ELEMENTWISE, in -> {
            Tensor x = in.uniform(-6f, 6f, 100, 123), y = in.backend().allocate(100, 123), dx = in.gaussian(100, 123);
            in.backend().gelu(y, x);
            in.backend().geluBackward(dx, in.gaussian(100, 123), x);
            return Inputs.outputs(y, dx);
        });
        for (int[] shape : new int[][] {{50, 32}, {10, 750}}) {
            String size = shape[0] + " x " + shape[1];
            fp32(cases, "softmax + backward, " + size, REDUCTION, in -> {
                Tensor x = in.gaussian(shape), y = in.backend().allocate(shape), dx = in.gaussian(shape);
                in.backend().softmax(y, x);
                in.backend().softmaxBackward(dx, in.gaussian(shape), y);
                return Inputs.outputs(y, dx);
            });
            fp32(cases, "logSoftmax + backward, " + size, REDUCTION, in -> {
                Tensor x = in.gaussian(shape), y = in.backend().allocate(shape), dx = in.gaussian(shape);
                in.backend().logSoftmax(y, x);
                in.backend().logSoftmaxBackward(dx, in.gaussian(shape), y);
                return Inputs.outputs(y, dx);
            });
        }
        fp32(cases, "adamW, 3 steps", ELEMENTWISE, in -> {
            Tensor param = in.gaussian(3000), m = in.backend().allocate(3000), v = in.backend().allocate(3000);
            for (int step = 1; step <= 3; step++) {
                in.backend().adamW(param, in.gaussian(3000), m, v, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, step);
            }
            return Inputs.outputs(param, m, v);
        });
        fp32(cases, "adamW, 4 tensors in one launch, 3 steps", ELEMENTWISE, in -> {
            List<Tensor> params = new ArrayList<>(), m = new ArrayList<>(), v = new ArrayList<>();
            for (int size : new int[] {1, 2048, 5000, 300}) { // a chunk of 2048 exactly, a ragged end
                params.add(in.gaussian(size));
                m.add(in.backend().allocate(size));
                v.add(in.backend().allocate(size));
            }
            for (int step = 1; step <= 3; step++) {
                List<Tensor> grads = new ArrayList<>();
                for (Tensor p : params) {
                    grads.add(in.gaussian(p.size()));
                }
                in.backend().adamW(params, grads, m, v, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, step);
            }
            List<Tensor> all = new ArrayList<>(params);
            all.addAll(m);
            all.addAll(v);
            return Inputs.outputs(all.toArray(Tensor[]::new));
        });
    }

    // ---------------------------------------------------------------- command line

    /**
     * Runs every case, CUDA device 0 against the CPU, printing op | max abs err | tolerance | ok.
     * Exits 0 when all pass, 1 when any fails, 2 when no CUDA device can be opened.
     */
    public static void main(String[] args) {
        CudaBackend fp32;
        try {
            fp32 = Backends.openCuda();
        } catch (IllegalStateException e) {
            System.err.println("no CUDA device: " + e.getMessage());
            System.exit(2);
            return;
        }
        int failures = 0;
        try (CpuBackend cpu = new CpuBackend();
             CudaBackend tf32 = new CudaBackend(0, MatmulPrecision.TF32)) {
            System.out.println("CUDA parity on " + fp32.deviceName() + " against the CPU (" + cpu.threads() + " threads)");
            System.out.println(String.format(Locale.ROOT, "%-44s | %11s | %-15s | %s", "op", "max abs err", "tolerance", "ok"));
            for (Case c : cases()) {
                Result r = compare(c, cpu, c.precision() == MatmulPrecision.TF32 ? tf32 : fp32);
                System.out.println(r.row());
                failures += r.ok() ? 0 : 1;
            }
        } finally {
            fp32.close();
        }
        System.out.println(failures == 0 ? "all cases pass" : failures + " case(s) FAIL");
        System.exit(failures == 0 ? 0 : 1);
    }
}
