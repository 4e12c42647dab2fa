package io.ttastream.kernels.testing;

/**
 * Plain loops, in double precision, that state each op's definition with no optimisation: the
 * reference the fast kernels are tested against. Layouts follow {@link io.ttastream.kernels.Backend}.
 */
public final class ReferenceOps {
    private ReferenceOps() {
    }

    /** op(a) [m, k] times op(b) [k, n]; a is stored [m, k] or, transposed, [k, m]; likewise b. */
    public static float[] matmul(float[] a, boolean transA, float[] b, boolean transB, int m, int n, int k) {
        float[] out = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int p = 0; p < k; p++) {
                    double av = transA ? a[p * m + i] : a[i * k + p];
                    double bv = transB ? b[j * k + p] : b[p * n + j];
                    sum += av * bv;
                }
                out[i * n + j] = (float) sum;
            }
        }
        return out;
    }

    /** PyTorch Conv1d on one item: x [cin, tin], w [cout, cin / groups, k], bias [cout] or null. */
    public static float[] conv1d(float[] x, int cin, int tin, float[] w, int cout, int k, float[] bias,
                                 int stride, int padLeft, int padRight, int groups) {
        int tout = (tin + padLeft + padRight - k) / stride + 1;
        int inPerGroup = cin / groups, outPerGroup = cout / groups;
        float[] y = new float[cout * tout];
        for (int o = 0; o < cout; o++) {
            int group = o / outPerGroup;
            for (int t = 0; t < tout; t++) {
                double sum = bias == null ? 0 : bias[o];
                for (int c = 0; c < inPerGroup; c++) {
                    for (int tap = 0; tap < k; tap++) {
                        int src = t * stride + tap - padLeft;
                        if (src >= 0 && src < tin) {
                            sum += (double) w[(o * inPerGroup + c) * k + tap] * x[(group * inPerGroup + c) * tin + src];
                        }
                    }
                }
                y[o * tout + t] = (float) sum;
            }
        }
        return y;
    }

    /** Layer norm of each row of x [rows, c]. */
    public static float[] layerNorm(float[] x, int rows, int c, float[] gamma, float[] beta, double eps) {
        float[] y = new float[rows * c];
        for (int r = 0; r < rows; r++) {
            double mean = 0, var = 0;
            for (int i = 0; i < c; i++) {
                mean += x[r * c + i];
            }
            mean /= c;
            for (int i = 0; i < c; i++) {
                var += (x[r * c + i] - mean) * (x[r * c + i] - mean);
            }
            var /= c;
            for (int i = 0; i < c; i++) {
                y[r * c + i] = (float) ((x[r * c + i] - mean) / Math.sqrt(var + eps) * gamma[i] + beta[i]);
            }
        }
        return y;
    }

    /** Group norm of x [channels, steps]: statistics over each group's channels and all steps. */
    public static float[] groupNorm(float[] x, int channels, int steps, int groups, float[] gamma, float[] beta, double eps) {
        float[] y = new float[channels * steps];
        int perGroup = channels / groups;
        for (int g = 0; g < groups; g++) {
            double mean = 0, var = 0;
            int n = perGroup * steps;
            for (int i = 0; i < n; i++) {
                mean += x[g * n + i];
            }
            mean /= n;
            for (int i = 0; i < n; i++) {
                var += (x[g * n + i] - mean) * (x[g * n + i] - mean);
            }
            var /= n;
            for (int c = g * perGroup; c < (g + 1) * perGroup; c++) {
                for (int t = 0; t < steps; t++) {
                    y[c * steps + t] = (float) ((x[c * steps + t] - mean) / Math.sqrt(var + eps) * gamma[c] + beta[c]);
                }
            }
        }
        return y;
    }

    /** torch._weight_norm(v, g, dim) for a rank-3 v [d0, d1, d2]. */
    public static float[] weightNorm3d(float[] v, int[] shape, float[] g, int dim) {
        double[] norms = new double[shape[dim]];
        int[] at = new int[3];
        for (at[0] = 0; at[0] < shape[0]; at[0]++) {
            for (at[1] = 0; at[1] < shape[1]; at[1]++) {
                for (at[2] = 0; at[2] < shape[2]; at[2]++) {
                    double value = v[(at[0] * shape[1] + at[1]) * shape[2] + at[2]];
                    norms[at[dim]] += value * value;
                }
            }
        }
        float[] w = new float[v.length];
        for (at[0] = 0; at[0] < shape[0]; at[0]++) {
            for (at[1] = 0; at[1] < shape[1]; at[1]++) {
                for (at[2] = 0; at[2] < shape[2]; at[2]++) {
                    int index = (at[0] * shape[1] + at[1]) * shape[2] + at[2];
                    w[index] = (float) (g[at[dim]] * v[index] / Math.sqrt(norms[at[dim]]));
                }
            }
        }
        return w;
    }

    /**
     * erf(x) to about 1e-15: the everywhere-positive series
     * erf(x) = 2/sqrt(pi) exp(-x^2) sum_n 2^n x^(2n+1) / (1 * 3 * ... * (2n+1)), no cancellation.
     */
    public static double erf(double x) {
        if (Math.abs(x) > 6) {
            return Math.signum(x); // 1 - erf(6) < 3e-17
        }
        double term = x, sum = x;
        for (int n = 1; Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
            term *= 2 * x * x / (2 * n + 1);
            sum += term;
        }
        return 2 / Math.sqrt(Math.PI) * Math.exp(-x * x) * sum;
    }

    public static double gelu(double x) {
        return 0.5 * x * (1 + erf(x / Math.sqrt(2)));
    }

    /** Softmax of each row of length c. */
    public static float[] softmax(float[] x, int c) {
        float[] y = new float[x.length];
        for (int r = 0; r < x.length / c; r++) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int i = 0; i < c; i++) {
                max = Math.max(max, x[r * c + i]);
            }
            for (int i = 0; i < c; i++) {
                sum += Math.exp(x[r * c + i] - max);
            }
            for (int i = 0; i < c; i++) {
                y[r * c + i] = (float) (Math.exp(x[r * c + i] - max) / sum);
            }
        }
        return y;
    }

    /** Log-softmax of each row of length c. */
    public static float[] logSoftmax(float[] x, int c) {
        float[] y = new float[x.length];
        for (int r = 0; r < x.length / c; r++) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int i = 0; i < c; i++) {
                max = Math.max(max, x[r * c + i]);
            }
            for (int i = 0; i < c; i++) {
                sum += Math.exp(x[r * c + i] - max);
            }
            for (int i = 0; i < c; i++) {
                y[r * c + i] = (float) (x[r * c + i] - max - Math.log(sum));
            }
        }
        return y;
    }

    /** Multi-head attention; returns {out [t, heads * d], probs [heads, t, t]}. */
    public static float[][] attention(float[] q, float[] k, float[] v, int t, int heads) {
        int width = q.length / t, d = width / heads;
        float[] out = new float[t * width], probs = new float[heads * t * t];
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < t; i++) {
                double[] scores = new double[t];
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (int j = 0; j < t; j++) {
                    for (int c = 0; c < d; c++) {
                        scores[j] += (double) q[i * width + h * d + c] * k[j * width + h * d + c];
                    }
                    scores[j] /= Math.sqrt(d);
                    max = Math.max(max, scores[j]);
                }
                for (int j = 0; j < t; j++) {
                    scores[j] = Math.exp(scores[j] - max);
                    sum += scores[j];
                }
                for (int j = 0; j < t; j++) {
                    probs[(h * t + i) * t + j] = (float) (scores[j] / sum);
                }
                for (int c = 0; c < d; c++) {
                    double acc = 0;
                    for (int j = 0; j < t; j++) {
                        acc += scores[j] / sum * v[j * width + h * d + c];
                    }
                    out[i * width + h * d + c] = (float) acc;
                }
            }
        }
        return new float[][] {out, probs};
    }
}
