package io.ttastream.kernels;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static io.ttastream.kernels.GradientCheck.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every CPU op against a plain loop written here from the op's definition (the reference for
 * the fast kernels), and every backward against finite differences.
 */
class CpuBackendTest {
    private static final CpuBackend B = new CpuBackend(2);
    private final Random random = new Random(42);

    @AfterAll
    static void close() {
        B.close();
    }

    private Tensor rand(double scale, int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return B.fromArray(randn(random, n, scale), shape);
    }

    private static void assertClose(float[] expected, float[] actual, double tol) {
        assertEquals(expected.length, actual.length, "length");
        for (int i = 0; i < expected.length; i++) {
            double scale = Math.max(1, Math.abs(expected[i]));
            if (Math.abs(expected[i] - actual[i]) > tol * scale) {
                throw new AssertionError("element " + i + ": expected " + expected[i] + ", got " + actual[i]);
            }
        }
    }

    // ---------------------------------------------------------------- products

    private static float[] naiveMatmul(float[] a, int aRows, int aCols, boolean transA,
                                       float[] b, int bRows, int bCols, boolean transB) {
        int m = transA ? aCols : aRows, k = transA ? aRows : aCols, n = transB ? bRows : bCols;
        float[] c = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int l = 0; l < k; l++) {
                    double x = transA ? a[l * aCols + i] : a[i * aCols + l];
                    double y = transB ? b[j * bCols + l] : b[l * bCols + j];
                    s += x * y;
                }
                c[i * n + j] = (float) s;
            }
        }
        return c;
    }

    @Test
    void matmulMatchesNaiveProductForEveryTransposeAndAwkwardSizes() {
        int[][] sizes = {{1, 1, 1}, {5, 7, 3}, {17, 33, 9}, {64, 40, 100}, {3, 1, 50}};
        for (int[] s : sizes) {
            int m = s[0], n = s[1], k = s[2];
            for (boolean ta : new boolean[]{false, true}) {
                for (boolean tb : new boolean[]{false, true}) {
                    Tensor a = ta ? rand(1, k, m) : rand(1, m, k);
                    Tensor b = tb ? rand(1, n, k) : rand(1, k, n);
                    Tensor c = B.allocate(m, n);
                    B.matmul(c, a, ta, b, tb, false);
                    float[] expected = naiveMatmul(a.toArray(), a.dim(0), a.dim(1), ta, b.toArray(), b.dim(0), b.dim(1), tb);
                    assertClose(expected, c.toArray(), 1e-5);
                    B.matmul(c, a, ta, b, tb, true);
                    for (int i = 0; i < expected.length; i++) {
                        expected[i] *= 2;
                    }
                    assertClose(expected, c.toArray(), 1e-5);
                }
            }
        }
    }

    @Test
    void linearForwardAndGradients() {
        Tensor x = rand(1, 7, 13), w = rand(0.3, 11, 13), bias = rand(1, 11);
        Tensor y = B.allocate(7, 11);
        B.linear(y, x, w, bias);
        float[] expected = naiveMatmul(x.toArray(), 7, 13, false, w.toArray(), 11, 13, true);
        float[] bb = bias.toArray();
        for (int i = 0; i < expected.length; i++) {
            expected[i] += bb[i % 11];
        }
        assertClose(expected, y.toArray(), 1e-5);

        Tensor dx = B.allocate(7, 13), dw = B.allocate(11, 13), db = B.allocate(11);
        GradientCheck.check("linear", () -> {
            Tensor out = B.allocate(7, 11);
            B.linear(out, x, w, bias);
            return out;
        }, dy -> B.linearBackward(dx, dw, db, dy, x, w), List.of(x, w, bias), List.of(dx, dw, db), 1);
    }

    @Test
    void backwardAddsIntoGradientsAndSkipsNullOnes() {
        Tensor x = rand(1, 4, 6), w = rand(1, 5, 6), dy = rand(1, 4, 5);
        Tensor once = B.allocate(5, 6);
        B.linearBackward(null, once, null, dy, x, w);
        Tensor twice = B.allocate(5, 6);
        B.linearBackward(null, twice, null, dy, x, w);
        B.linearBackward(null, twice, null, dy, x, w);
        float[] doubled = once.toArray();
        for (int i = 0; i < doubled.length; i++) {
            doubled[i] *= 2;
        }
        assertClose(doubled, twice.toArray(), 1e-6);
        // Nothing to compute must not throw or touch anything.
        B.linearBackward(null, null, null, dy, x, w);
        B.conv1dBackward(null, null, null, B.allocate(2, 3), rand(1, 1, 7), rand(1, 2, 1, 5), 1, 0, 0, 1);
    }

    // ---------------------------------------------------------------- convolution

    private static float[] naiveConv(float[] x, int cin, int tin, float[] w, int cout, int k, float[] bias,
                                     int stride, int padLeft, int padRight, int groups) {
        int tout = (tin + padLeft + padRight - k) / stride + 1;
        int inPer = cin / groups, outPer = cout / groups;
        float[] y = new float[cout * tout];
        for (int o = 0; o < cout; o++) {
            int g = o / outPer;
            for (int t = 0; t < tout; t++) {
                double s = bias != null ? bias[o] : 0;
                for (int c = 0; c < inPer; c++) {
                    for (int j = 0; j < k; j++) {
                        int pos = t * stride + j - padLeft;
                        if (pos >= 0 && pos < tin) {
                            s += (double) w[(o * inPer + c) * k + j] * x[(g * inPer + c) * tin + pos];
                        }
                    }
                }
                y[o * tout + t] = (float) s;
            }
        }
        return y;
    }

    @Test
    void conv1dMatchesNaiveLoopWithStridePaddingAndGroups() {
        int[][] cases = { // cin, tin, cout, k, stride, padLeft, padRight, groups
                {1, 50, 4, 10, 5, 0, 0, 1}, {6, 23, 4, 3, 2, 0, 0, 1}, {8, 19, 8, 6, 1, 3, 2, 4}, {3, 5, 6, 2, 2, 1, 1, 3}};
        for (int[] c : cases) {
            Tensor x = rand(1, c[0], c[1]), w = rand(0.5, c[2], c[0] / c[7], c[3]), bias = rand(1, c[2]);
            int tout = (c[1] + c[5] + c[6] - c[3]) / c[4] + 1;
            Tensor y = B.allocate(c[2], tout);
            B.conv1d(y, x, w, bias, c[4], c[5], c[6], c[7]);
            assertClose(naiveConv(x.toArray(), c[0], c[1], w.toArray(), c[2], c[3], bias.toArray(), c[4], c[5], c[6], c[7]),
                    y.toArray(), 1e-5);

            Tensor dx = B.allocate(x.shape()), dw = B.allocate(w.shape()), db = B.allocate(c[2]);
            GradientCheck.check("conv1d " + java.util.Arrays.toString(c), () -> {
                Tensor out = B.allocate(c[2], tout);
                B.conv1d(out, x, w, bias, c[4], c[5], c[6], c[7]);
                return out;
            }, dy -> B.conv1dBackward(dx, dw, db, dy, x, w, c[4], c[5], c[6], c[7]), List.of(x, w, bias), List.of(dx, dw, db), 2);
        }
    }

    @Test
    void conv1dWithoutBiasAndShapeErrors() {
        Tensor x = rand(1, 2, 9), w = rand(1, 3, 2, 3);
        Tensor y = B.allocate(3, 7);
        B.conv1d(y, x, w, null, 1, 0, 0, 1);
        assertClose(naiveConv(x.toArray(), 2, 9, w.toArray(), 3, 3, null, 1, 0, 0, 1), y.toArray(), 1e-5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> B.conv1d(B.allocate(3, 8), x, w, null, 1, 0, 0, 1));
        assertTrue(e.getMessage().contains("conv1d"), e.getMessage());
    }

    // ---------------------------------------------------------------- normalisation

    @Test
    void layerNormMatchesDefinitionAndGradients() {
        Tensor x = rand(2, 5, 12), gamma = rand(1, 12), beta = rand(1, 12);
        Tensor y = B.allocate(5, 12), mean = B.allocate(5), rstd = B.allocate(5);
        B.layerNorm(y, mean, rstd, x, gamma, beta, 1e-5f);
        float[] xx = x.toArray(), expected = new float[60], ga = gamma.toArray(), be = beta.toArray();
        for (int r = 0; r < 5; r++) {
            double m = 0, v = 0;
            for (int c = 0; c < 12; c++) {
                m += xx[r * 12 + c] / 12.0;
            }
            for (int c = 0; c < 12; c++) {
                v += Math.pow(xx[r * 12 + c] - m, 2) / 12.0;
            }
            for (int c = 0; c < 12; c++) {
                expected[r * 12 + c] = (float) ((xx[r * 12 + c] - m) / Math.sqrt(v + 1e-5) * ga[c] + be[c]);
            }
        }
        assertClose(expected, y.toArray(), 1e-5);

        Tensor dx = B.allocate(5, 12), dg = B.allocate(12), dbeta = B.allocate(12);
        GradientCheck.check("layerNorm", () -> {
            Tensor out = B.allocate(5, 12);
            B.layerNorm(out, mean, rstd, x, gamma, beta, 1e-5f);
            return out;
        }, dy -> B.layerNormBackward(dx, dg, dbeta, dy, x, mean, rstd, gamma), List.of(x, gamma, beta), List.of(dx, dg, dbeta), 3);
    }

    @Test
    void groupNormMatchesDefinitionAndGradients() {
        int channels = 6, length = 9, groups = 3;
        Tensor x = rand(2, channels, length), gamma = rand(1, channels), beta = rand(1, channels);
        Tensor y = B.allocate(channels, length), mean = B.allocate(groups), rstd = B.allocate(groups);
        B.groupNorm(y, mean, rstd, x, groups, gamma, beta, 1e-5f);
        float[] xx = x.toArray(), expected = new float[channels * length], ga = gamma.toArray(), be = beta.toArray();
        int span = channels / groups * length;
        for (int g = 0; g < groups; g++) {
            double m = 0, v = 0;
            for (int i = g * span; i < (g + 1) * span; i++) {
                m += xx[i] / (double) span;
            }
            for (int i = g * span; i < (g + 1) * span; i++) {
                v += Math.pow(xx[i] - m, 2) / span;
            }
            for (int i = g * span; i < (g + 1) * span; i++) {
                int c = i / length;
                expected[i] = (float) ((xx[i] - m) / Math.sqrt(v + 1e-5) * ga[c] + be[c]);
            }
        }
        assertClose(expected, y.toArray(), 1e-5);

        Tensor dx = B.allocate(channels, length), dg = B.allocate(channels), dbeta = B.allocate(channels);
        GradientCheck.check("groupNorm", () -> {
            Tensor out = B.allocate(channels, length);
            B.groupNorm(out, mean, rstd, x, groups, gamma, beta, 1e-5f);
            return out;
        }, dy -> B.groupNormBackward(dx, dg, dbeta, dy, x, groups, mean, rstd, gamma), List.of(x, gamma, beta),
                List.of(dx, dg, dbeta), 4);
    }

    @Test
    void weightNormOverKernelDimensionLikeTorchWeightNormDim2() {
        Tensor v = rand(1, 4, 3, 5), g = rand(1, 1, 1, 5);
        Tensor w = B.allocate(4, 3, 5);
        B.weightNorm(w, g, v, 2);
        float[] vv = v.toArray(), gg = g.toArray(), expected = new float[vv.length];
        for (int k = 0; k < 5; k++) {
            double norm = 0;
            for (int o = 0; o < 4; o++) {
                for (int i = 0; i < 3; i++) {
                    norm += Math.pow(vv[(o * 3 + i) * 5 + k], 2);
                }
            }
            norm = Math.sqrt(norm);
            for (int o = 0; o < 4; o++) {
                for (int i = 0; i < 3; i++) {
                    expected[(o * 3 + i) * 5 + k] = (float) (gg[k] * vv[(o * 3 + i) * 5 + k] / norm);
                }
            }
        }
        assertClose(expected, w.toArray(), 1e-6);

        Tensor dg = B.allocate(1, 1, 5), dv = B.allocate(4, 3, 5);
        GradientCheck.check("weightNorm", () -> {
            Tensor out = B.allocate(4, 3, 5);
            B.weightNorm(out, g, v, 2);
            return out;
        }, dw -> B.weightNormBackward(dg, dv, dw, g, v, 2), List.of(g, v), List.of(dg, dv), 5);
    }

    // ---------------------------------------------------------------- activations

    @Test
    void geluIsTheExactErfFormAndHasTheRightGradient() {
        // Reference values: x * Phi(x) with Phi the standard normal CDF (scipy.stats.norm.cdf).
        Tensor x = B.fromArray(new float[]{-3f, -1f, -0.5f, 0f, 0.5f, 1f, 2f}, 7);
        Tensor y = B.allocate(7);
        B.gelu(y, x);
        float[] expected = {-0.0040496985f, -0.15865526f, -0.15426877f, 0f, 0.34573123f, 0.8413447f, 1.9544997f};
        assertClose(expected, y.toArray(), 2e-6);

        Tensor xr = rand(1.5, 40), dx = B.allocate(40);
        GradientCheck.check("gelu", () -> {
            Tensor out = B.allocate(40);
            B.gelu(out, xr);
            return out;
        }, dy -> B.geluBackward(dx, dy, xr), List.of(xr), List.of(dx), 6);
    }

    @Test
    void softmaxAndLogSoftmaxRowsAndGradients() {
        Tensor x = rand(3, 4, 9);
        Tensor y = B.allocate(4, 9), logY = B.allocate(4, 9);
        B.softmax(y, x);
        B.logSoftmax(logY, x);
        float[] p = y.toArray(), lp = logY.toArray();
        for (int r = 0; r < 4; r++) {
            double sum = 0;
            for (int c = 0; c < 9; c++) {
                sum += p[r * 9 + c];
                assertEquals(Math.log(p[r * 9 + c]), lp[r * 9 + c], 1e-5);
            }
            assertEquals(1.0, sum, 1e-6);
        }
        Tensor dx = B.allocate(4, 9), dlx = B.allocate(4, 9);
        GradientCheck.check("softmax", () -> {
            Tensor out = B.allocate(4, 9);
            B.softmax(out, x);
            return out;
        }, dy -> B.softmaxBackward(dx, dy, y), List.of(x), List.of(dx), 7);
        GradientCheck.check("logSoftmax", () -> {
            Tensor out = B.allocate(4, 9);
            B.logSoftmax(out, x);
            return out;
        }, dy -> B.logSoftmaxBackward(dlx, dy, logY), List.of(x), List.of(dlx), 8);
    }

    // ---------------------------------------------------------------- attention

    @Test
    void attentionMatchesPerHeadDefinitionAndGradients() {
        int frames = 7, heads = 3, headDim = 4, width = heads * headDim;
        Tensor q = rand(1, frames, width), k = rand(1, frames, width), v = rand(1, frames, width);
        Tensor out = B.allocate(frames, width), probs = B.allocate(heads, frames, frames);
        B.attention(out, probs, q, k, v, heads);
        float[] qq = q.toArray(), kk = k.toArray(), vv = v.toArray(), expected = new float[frames * width];
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < frames; i++) {
                double[] s = new double[frames];
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (int j = 0; j < frames; j++) {
                    for (int d = 0; d < headDim; d++) {
                        s[j] += qq[i * width + h * headDim + d] * kk[j * width + h * headDim + d];
                    }
                    s[j] /= Math.sqrt(headDim);
                    max = Math.max(max, s[j]);
                }
                for (int j = 0; j < frames; j++) {
                    s[j] = Math.exp(s[j] - max);
                    sum += s[j];
                }
                for (int d = 0; d < headDim; d++) {
                    double acc = 0;
                    for (int j = 0; j < frames; j++) {
                        acc += s[j] / sum * vv[j * width + h * headDim + d];
                    }
                    expected[i * width + h * headDim + d] = (float) acc;
                }
            }
        }
        assertClose(expected, out.toArray(), 1e-5);

        Tensor dq = B.allocate(frames, width), dk = B.allocate(frames, width), dv = B.allocate(frames, width);
        GradientCheck.check("attention", () -> {
            Tensor o = B.allocate(frames, width);
            B.attention(o, probs, q, k, v, heads);
            return o;
        }, dout -> {
            Tensor p = B.allocate(heads, frames, frames);
            B.attention(B.allocate(frames, width), p, q, k, v, heads);
            B.attentionBackward(dq, dk, dv, dout, q, k, v, p, heads);
        }, List.of(q, k, v), List.of(dq, dk, dv), 9);
    }

    // ---------------------------------------------------------------- small ops and the optimizer

    @Test
    void transposeElementwiseAndReductions() {
        Tensor x = B.fromArray(new float[]{1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor y = B.allocate(3, 2);
        B.transpose(y, x);
        assertArrayEquals(new float[]{1, 4, 2, 5, 3, 6}, y.toArray());
        Tensor dx = B.fromArray(new float[]{1, 1, 1, 1, 1, 1}, 2, 3);
        B.transposeBackward(dx, y);
        assertArrayEquals(new float[]{2, 3, 4, 5, 6, 7}, dx.toArray());
        Tensor sum = B.allocate(2, 3);
        B.add(sum, x, x);
        B.axpy(sum, -0.5f, x);
        B.mul(sum, sum, x);
        B.scale(sum, sum, 2f);
        assertArrayEquals(new float[]{3, 12, 27, 48, 75, 108}, sum.toArray());
        assertEquals(21f, B.sum(x));
        assertEquals(91f, B.sumOfSquares(x));
        assertTrue(B.allFinite(x));
        assertFalse(B.allFinite(B.fromArray(new float[]{1, Float.NaN}, 2)));
    }

    @Test
    void adamWFollowsPyTorchFormulaForTwoSteps() {
        // Hand-computed with torch.optim.AdamW's update rule (decoupled decay, bias correction).
        float lr = 0.1f, b1 = 0.9f, b2 = 0.999f, eps = 1e-8f, wd = 0.01f;
        Tensor p = B.fromArray(new float[]{1f}, 1), m = B.allocate(1), v = B.allocate(1);
        double pRef = 1, mRef = 0, vRef = 0;
        float[] grads = {0.5f, -0.25f};
        for (int step = 1; step <= 2; step++) {
            double g = grads[step - 1];
            pRef *= 1 - lr * wd;
            mRef = b1 * mRef + (1 - b1) * g;
            vRef = b2 * vRef + (1 - b2) * g * g;
            double mHat = mRef / (1 - Math.pow(b1, step));
            double vHat = vRef / (1 - Math.pow(b2, step));
            pRef -= lr * mHat / (Math.sqrt(vHat) + eps);
            B.adamW(p, B.fromArray(new float[]{grads[step - 1]}, 1), m, v, lr, b1, b2, eps, wd, step);
            assertEquals(pRef, p.toArray()[0], 1e-6, "step " + step);
        }
        // First step of Adam moves by lr * sign(g) (up to eps): 1*(1-0.001) - 0.1 = 0.899.
        Tensor q = B.fromArray(new float[]{1f}, 1);
        B.adamW(q, B.fromArray(new float[]{3f}, 1), B.allocate(1), B.allocate(1), lr, b1, b2, eps, wd, 1);
        assertEquals(0.899f, q.toArray()[0], 1e-6);
    }
}
