package io.ttastream.kernels;

import java.util.Arrays;

/**
 * The reference backend: plain Java over float arrays, multi-threaded, with the Vector API in
 * the matrix products. Every other backend is tested against this one.
 */
public final class CpuBackend implements Backend {
    private static final float INV_SQRT2 = (float) (1 / Math.sqrt(2));
    private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

    private final Parallel parallel;

    /** A backend using every available core. */
    public CpuBackend() {
        this(Runtime.getRuntime().availableProcessors());
    }

    public CpuBackend(int threads) {
        this.parallel = new Parallel(threads);
    }

    @Override
    public String name() {
        return "cpu(" + parallel.threads() + " threads)";
    }

    @Override
    public void close() {
        parallel.close();
    }

    // ---------------------------------------------------------------- memory

    @Override
    public Tensor allocate(int... shape) {
        long n = 1;
        for (int d : shape) {
            n *= Math.max(d, 0);
        }
        return new CpuTensor(new float[(int) Math.min(n, Integer.MAX_VALUE)], shape);
    }

    @Override
    public Tensor fromArray(float[] values, int... shape) {
        return new CpuTensor(values.clone(), shape);
    }

    @Override
    public void copy(Tensor dst, Tensor src) {
        requireSize("copy", dst, src.size());
        System.arraycopy(d(src), 0, d(dst), 0, src.size());
    }

    @Override
    public void fill(Tensor t, float value) {
        Arrays.fill(d(t), value);
    }

    // ---------------------------------------------------------------- elementwise and reductions

    @Override
    public void add(Tensor out, Tensor a, Tensor b) {
        requireSize("add", a, out.size());
        requireSize("add", b, out.size());
        float[] o = d(out), x = d(a), y = d(b);
        for (int i = 0; i < o.length; i++) {
            o[i] = x[i] + y[i];
        }
    }

    @Override
    public void axpy(Tensor y, float alpha, Tensor x) {
        requireSize("axpy", x, y.size());
        float[] yy = d(y), xx = d(x);
        for (int i = 0; i < yy.length; i++) {
            yy[i] += alpha * xx[i];
        }
    }

    @Override
    public void scale(Tensor out, Tensor x, float alpha) {
        requireSize("scale", x, out.size());
        float[] o = d(out), xx = d(x);
        for (int i = 0; i < o.length; i++) {
            o[i] = alpha * xx[i];
        }
    }

    @Override
    public void mul(Tensor out, Tensor a, Tensor b) {
        requireSize("mul", a, out.size());
        requireSize("mul", b, out.size());
        float[] o = d(out), x = d(a), y = d(b);
        for (int i = 0; i < o.length; i++) {
            o[i] = x[i] * y[i];
        }
    }

    @Override
    public float sum(Tensor x) {
        double s = 0;
        for (float v : d(x)) {
            s += v;
        }
        return (float) s;
    }

    @Override
    public float sumOfSquares(Tensor x) {
        double s = 0;
        for (float v : d(x)) {
            s += (double) v * v;
        }
        return (float) s;
    }

    @Override
    public boolean allFinite(Tensor x) {
        for (float v : d(x)) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void transpose(Tensor y, Tensor x) {
        int rows = x.dim(0), cols = x.dim(1);
        requireShape("transpose", y, cols, rows);
        transposeInto(d(x), rows, cols, d(y), false);
    }

    @Override
    public void transposeBackward(Tensor dx, Tensor dy) {
        int rows = dy.dim(0), cols = dy.dim(1);
        requireShape("transposeBackward", dx, cols, rows);
        transposeInto(d(dy), rows, cols, d(dx), true);
    }

    /** out[c, r] (+)= in[r, c], in blocks that stay in cache. */
    private void transposeInto(float[] in, int rows, int cols, float[] out, boolean accumulate) {
        final int block = 32;
        int rowBlocks = (rows + block - 1) / block;
        parallel.forRange(rowBlocks, (long) rows * cols < (1 << 16) ? rowBlocks : 1, (b0, b1) -> {
            for (int rb = b0; rb < b1; rb++) {
                int r0 = rb * block, r1 = Math.min(rows, r0 + block);
                for (int c0 = 0; c0 < cols; c0 += block) {
                    int c1 = Math.min(cols, c0 + block);
                    for (int r = r0; r < r1; r++) {
                        for (int c = c0; c < c1; c++) {
                            if (accumulate) {
                                out[c * rows + r] += in[r * cols + c];
                            } else {
                                out[c * rows + r] = in[r * cols + c];
                            }
                        }
                    }
                }
            }
        });
    }

    private float[] transposed(float[] in, int rows, int cols) {
        float[] out = new float[rows * cols];
        transposeInto(in, rows, cols, out, false);
        return out;
    }

    // ---------------------------------------------------------------- products

    @Override
    public void matmul(Tensor out, Tensor a, boolean transA, Tensor b, boolean transB, boolean accumulate) {
        int m = transA ? a.dim(1) : a.dim(0);
        int k = transA ? a.dim(0) : a.dim(1);
        int kb = transB ? b.dim(1) : b.dim(0);
        int n = transB ? b.dim(0) : b.dim(1);
        if (a.rank() != 2 || b.rank() != 2 || k != kb) {
            throw new IllegalArgumentException("matmul: cannot multiply " + a + (transA ? "^T" : "") + " by "
                    + b + (transB ? "^T" : ""));
        }
        requireShape("matmul", out, m, n);
        float[] left = transA ? transposed(d(a), a.dim(0), a.dim(1)) : d(a);
        float[] right = transB ? transposed(d(b), b.dim(0), b.dim(1)) : d(b);
        Gemm.multiply(parallel, m, n, k, left, 0, k, right, 0, n, d(out), 0, n, accumulate);
    }

    @Override
    public void linear(Tensor y, Tensor x, Tensor w, Tensor bias) {
        int rows = x.dim(0), in = x.dim(1), outFeatures = w.dim(0);
        if (w.dim(1) != in) {
            throw new IllegalArgumentException("linear: input " + x + " does not match weight " + w);
        }
        requireShape("linear", y, rows, outFeatures);
        float[] yy = d(y);
        if (bias != null) {
            requireShape("linear bias", bias, outFeatures);
            float[] bb = d(bias);
            for (int r = 0; r < rows; r++) {
                System.arraycopy(bb, 0, yy, r * outFeatures, outFeatures);
            }
        }
        float[] wT = transposed(d(w), outFeatures, in);
        Gemm.multiply(parallel, rows, outFeatures, in, d(x), 0, in, wT, 0, outFeatures, yy, 0, outFeatures, bias != null);
    }

    @Override
    public void linearBackward(Tensor dx, Tensor dw, Tensor dbias, Tensor dy, Tensor x, Tensor w) {
        int rows = x.dim(0), in = x.dim(1), outFeatures = w.dim(0);
        requireShape("linearBackward dy", dy, rows, outFeatures);
        if (dx != null) {
            requireShape("linearBackward dx", dx, rows, in);
            Gemm.multiply(parallel, rows, in, outFeatures, d(dy), 0, outFeatures, d(w), 0, in, d(dx), 0, in, true);
        }
        if (dw != null) {
            requireShape("linearBackward dw", dw, outFeatures, in);
            float[] dyT = transposed(d(dy), rows, outFeatures);
            Gemm.multiply(parallel, outFeatures, in, rows, dyT, 0, rows, d(x), 0, in, d(dw), 0, in, true);
        }
        if (dbias != null) {
            requireShape("linearBackward dbias", dbias, outFeatures);
            float[] db = d(dbias), g = d(dy);
            for (int r = 0; r < rows; r++) {
                for (int o = 0; o < outFeatures; o++) {
                    db[o] += g[r * outFeatures + o];
                }
            }
        }
    }

    @Override
    public void conv1d(Tensor y, Tensor x, Tensor w, Tensor bias, int stride, int padLeft, int padRight, int groups) {
        ConvShape s = ConvShape.of("conv1d", x, w, stride, padLeft, padRight, groups);
        requireShape("conv1d", y, s.outChannels, s.outLength);
        float[] yy = d(y);
        if (bias != null) {
            requireShape("conv1d bias", bias, s.outChannels);
            float[] bb = d(bias);
            for (int o = 0; o < s.outChannels; o++) {
                Arrays.fill(yy, o * s.outLength, (o + 1) * s.outLength, bb[o]);
            }
        }
        int rowsPerGroup = s.inPerGroup * s.kernel;
        for (int g = 0; g < groups; g++) {
            float[] columns = im2col(d(x), s, g);
            Gemm.multiply(parallel, s.outPerGroup, s.outLength, rowsPerGroup,
                    d(w), g * s.outPerGroup * rowsPerGroup, rowsPerGroup,
                    columns, 0, s.outLength,
                    yy, g * s.outPerGroup * s.outLength, s.outLength, bias != null);
        }
    }

    @Override
    public void conv1dBackward(Tensor dx, Tensor dw, Tensor dbias, Tensor dy, Tensor x, Tensor w,
                               int stride, int padLeft, int padRight, int groups) {
        ConvShape s = ConvShape.of("conv1dBackward", x, w, stride, padLeft, padRight, groups);
        requireShape("conv1dBackward dy", dy, s.outChannels, s.outLength);
        int rowsPerGroup = s.inPerGroup * s.kernel;
        float[] g = d(dy);
        for (int grp = 0; grp < groups; grp++) {
            int dyOff = grp * s.outPerGroup * s.outLength;
            int wOff = grp * s.outPerGroup * rowsPerGroup;
            if (dw != null) {
                requireShape("conv1dBackward dw", dw, w.shape());
                float[] columnsT = transposed(im2col(d(x), s, grp), rowsPerGroup, s.outLength);
                Gemm.multiply(parallel, s.outPerGroup, rowsPerGroup, s.outLength, g, dyOff, s.outLength,
                        columnsT, 0, rowsPerGroup, d(dw), wOff, rowsPerGroup, true);
            }
            if (dx != null) {
                requireShape("conv1dBackward dx", dx, x.shape());
                float[] wGroupT = new float[rowsPerGroup * s.outPerGroup];
                float[] ww = d(w);
                for (int o = 0; o < s.outPerGroup; o++) {
                    for (int r = 0; r < rowsPerGroup; r++) {
                        wGroupT[r * s.outPerGroup + o] = ww[wOff + o * rowsPerGroup + r];
                    }
                }
                float[] dColumns = new float[rowsPerGroup * s.outLength];
                Gemm.multiply(parallel, rowsPerGroup, s.outLength, s.outPerGroup, wGroupT, 0, s.outPerGroup,
                        g, dyOff, s.outLength, dColumns, 0, s.outLength, false);
                col2im(dColumns, s, grp, d(dx));
            }
        }
        if (dbias != null) {
            requireShape("conv1dBackward dbias", dbias, s.outChannels);
            float[] db = d(dbias);
            for (int o = 0; o < s.outChannels; o++) {
                double sum = 0;
                for (int t = 0; t < s.outLength; t++) {
                    sum += g[o * s.outLength + t];
                }
                db[o] += (float) sum;
            }
        }
    }

    /** The geometry of one conv1d call, checked once. */
    private record ConvShape(int inChannels, int inLength, int outChannels, int outLength, int kernel,
                             int stride, int padLeft, int inPerGroup, int outPerGroup) {
        static ConvShape of(String op, Tensor x, Tensor w, int stride, int padLeft, int padRight, int groups) {
            if (x.rank() != 2 || w.rank() != 3 || groups < 1 || stride < 1 || padLeft < 0 || padRight < 0) {
                throw new IllegalArgumentException(op + ": bad arguments x=" + x + " w=" + w + " stride=" + stride
                        + " groups=" + groups);
            }
            int inChannels = x.dim(0), outChannels = w.dim(0), kernel = w.dim(2);
            if (inChannels % groups != 0 || outChannels % groups != 0 || w.dim(1) != inChannels / groups) {
                throw new IllegalArgumentException(op + ": weight " + w + " does not fit input " + x
                        + " with " + groups + " groups");
            }
            int outLength = (x.dim(1) + padLeft + padRight - kernel) / stride + 1;
            if (outLength < 1) {
                throw new IllegalArgumentException(op + ": input " + x + " shorter than kernel " + kernel);
            }
            return new ConvShape(inChannels, x.dim(1), outChannels, outLength, kernel, stride, padLeft,
                    inChannels / groups, outChannels / groups);
        }
    }

    /** The group's input unrolled to [inPerGroup * kernel, outLength]: column t holds window t. */
    private float[] im2col(float[] x, ConvShape s, int group) {
        int rows = s.inPerGroup * s.kernel;
        float[] columns = new float[rows * s.outLength];
        parallel.forRange(rows, Math.max(1, rows / 8), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int channel = group * s.inPerGroup + r / s.kernel;
                int tap = r % s.kernel;
                int src = channel * s.inLength;
                int dst = r * s.outLength;
                for (int t = 0; t < s.outLength; t++) {
                    int pos = t * s.stride + tap - s.padLeft;
                    columns[dst + t] = pos >= 0 && pos < s.inLength ? x[src + pos] : 0f;
                }
            }
        });
        return columns;
    }

    /** The adjoint of im2col: dx[channel, pos] += every column entry that read it. */
    private void col2im(float[] dColumns, ConvShape s, int group, float[] dx) {
        parallel.forRange(s.inPerGroup, 1, (c0, c1) -> {
            for (int c = c0; c < c1; c++) {
                int dst = (group * s.inPerGroup + c) * s.inLength;
                for (int tap = 0; tap < s.kernel; tap++) {
                    int src = (c * s.kernel + tap) * s.outLength;
                    for (int t = 0; t < s.outLength; t++) {
                        int pos = t * s.stride + tap - s.padLeft;
                        if (pos >= 0 && pos < s.inLength) {
                            dx[dst + pos] += dColumns[src + t];
                        }
                    }
                }
            }
        });
    }

    // ---------------------------------------------------------------- normalisation

    @Override
    public void layerNorm(Tensor y, Tensor mean, Tensor rstd, Tensor x, Tensor gamma, Tensor beta, float eps) {
        int rows = x.dim(0), cols = x.size() / rows;
        requireSize("layerNorm y", y, x.size());
        requireShape("layerNorm mean", mean, rows);
        requireShape("layerNorm rstd", rstd, rows);
        requireShape("layerNorm gamma", gamma, cols);
        requireShape("layerNorm beta", beta, cols);
        float[] xx = d(x), yy = d(y), mu = d(mean), rs = d(rstd), ga = d(gamma), be = d(beta);
        parallel.forRange(rows, 16, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int off = r * cols;
                double s = 0;
                for (int c = 0; c < cols; c++) {
                    s += xx[off + c];
                }
                double m = s / cols;
                double v = 0;
                for (int c = 0; c < cols; c++) {
                    double dev = xx[off + c] - m;
                    v += dev * dev;
                }
                float inv = (float) (1 / Math.sqrt(v / cols + eps));
                mu[r] = (float) m;
                rs[r] = inv;
                for (int c = 0; c < cols; c++) {
                    yy[off + c] = (xx[off + c] - (float) m) * inv * ga[c] + be[c];
                }
            }
        });
    }

    @Override
    public void layerNormBackward(Tensor dx, Tensor dgamma, Tensor dbeta, Tensor dy, Tensor x,
                                  Tensor mean, Tensor rstd, Tensor gamma) {
        int rows = x.dim(0), cols = x.size() / rows;
        requireSize("layerNormBackward dy", dy, x.size());
        float[] xx = d(x), g = d(dy), mu = d(mean), rs = d(rstd), ga = d(gamma);
        if (dgamma != null || dbeta != null) {
            float[] dga = dgamma != null ? d(dgamma) : null, dbe = dbeta != null ? d(dbeta) : null;
            for (int r = 0; r < rows; r++) {
                int off = r * cols;
                for (int c = 0; c < cols; c++) {
                    if (dga != null) {
                        dga[c] += g[off + c] * (xx[off + c] - mu[r]) * rs[r];
                    }
                    if (dbe != null) {
                        dbe[c] += g[off + c];
                    }
                }
            }
        }
        if (dx != null) {
            requireSize("layerNormBackward dx", dx, x.size());
            float[] dxx = d(dx);
            parallel.forRange(rows, 16, (r0, r1) -> {
                for (int r = r0; r < r1; r++) {
                    int off = r * cols;
                    // dx = rstd * (g*gamma - mean(g*gamma) - xhat * mean(g*gamma*xhat))
                    double meanG = 0, meanGX = 0;
                    for (int c = 0; c < cols; c++) {
                        double gg = (double) g[off + c] * ga[c];
                        double xhat = (xx[off + c] - mu[r]) * rs[r];
                        meanG += gg;
                        meanGX += gg * xhat;
                    }
                    meanG /= cols;
                    meanGX /= cols;
                    for (int c = 0; c < cols; c++) {
                        double gg = (double) g[off + c] * ga[c];
                        double xhat = (xx[off + c] - mu[r]) * rs[r];
                        dxx[off + c] += (float) (rs[r] * (gg - meanG - xhat * meanGX));
                    }
                }
            });
        }
    }

    @Override
    public void groupNorm(Tensor y, Tensor mean, Tensor rstd, Tensor x, int groups, Tensor gamma, Tensor beta, float eps) {
        int channels = x.dim(0), length = x.dim(1);
        if (channels % groups != 0) {
            throw new IllegalArgumentException("groupNorm: " + channels + " channels not divisible into " + groups + " groups");
        }
        requireSize("groupNorm y", y, x.size());
        requireShape("groupNorm mean", mean, groups);
        requireShape("groupNorm rstd", rstd, groups);
        requireShape("groupNorm gamma", gamma, channels);
        requireShape("groupNorm beta", beta, channels);
        int perGroup = channels / groups;
        int span = perGroup * length;
        float[] xx = d(x), yy = d(y), mu = d(mean), rs = d(rstd), ga = d(gamma), be = d(beta);
        parallel.forRange(groups, 1, (g0, g1) -> {
            for (int g = g0; g < g1; g++) {
                int off = g * span;
                double s = 0;
                for (int i = 0; i < span; i++) {
                    s += xx[off + i];
                }
                double m = s / span;
                double v = 0;
                for (int i = 0; i < span; i++) {
                    double dev = xx[off + i] - m;
                    v += dev * dev;
                }
                float inv = (float) (1 / Math.sqrt(v / span + eps));
                mu[g] = (float) m;
                rs[g] = inv;
                for (int c = g * perGroup; c < (g + 1) * perGroup; c++) {
                    for (int t = 0; t < length; t++) {
                        int i = c * length + t;
                        yy[i] = (xx[i] - (float) m) * inv * ga[c] + be[c];
                    }
                }
            }
        });
    }

    @Override
    public void groupNormBackward(Tensor dx, Tensor dgamma, Tensor dbeta, Tensor dy, Tensor x, int groups,
                                  Tensor mean, Tensor rstd, Tensor gamma) {
        int channels = x.dim(0), length = x.dim(1), perGroup = channels / groups, span = perGroup * length;
        requireSize("groupNormBackward dy", dy, x.size());
        float[] xx = d(x), g = d(dy), mu = d(mean), rs = d(rstd), ga = d(gamma);
        float[] dga = dgamma != null ? d(dgamma) : null, dbe = dbeta != null ? d(dbeta) : null;
        float[] dxx = dx != null ? d(dx) : null;
        parallel.forRange(groups, 1, (g0, g1) -> {
            for (int grp = g0; grp < g1; grp++) {
                double meanG = 0, meanGX = 0;
                for (int c = grp * perGroup; c < (grp + 1) * perGroup; c++) {
                    double sumG = 0, sumGX = 0;
                    for (int t = 0; t < length; t++) {
                        int i = c * length + t;
                        double xhat = (xx[i] - mu[grp]) * rs[grp];
                        sumG += g[i];
                        sumGX += g[i] * xhat;
                    }
                    if (dga != null) {
                        dga[c] += (float) sumGX;
                    }
                    if (dbe != null) {
                        dbe[c] += (float) sumG;
                    }
                    meanG += sumG * ga[c];
                    meanGX += sumGX * ga[c];
                }
                if (dxx == null) {
                    continue;
                }
                meanG /= span;
                meanGX /= span;
                for (int c = grp * perGroup; c < (grp + 1) * perGroup; c++) {
                    for (int t = 0; t < length; t++) {
                        int i = c * length + t;
                        double xhat = (xx[i] - mu[grp]) * rs[grp];
                        dxx[i] += (float) (rs[grp] * ((double) g[i] * ga[c] - meanG - xhat * meanGX));
                    }
                }
            }
        });
    }

    @Override
    public void weightNorm(Tensor w, Tensor g, Tensor v, int dim) {
        requireSize("weightNorm w", w, v.size());
        WeightNormShape s = WeightNormShape.of(v, g, dim);
        double[] norms = s.norms(d(v));
        float[] ww = d(w), vv = d(v), gg = d(g);
        for (int o = 0; o < s.outer; o++) {
            for (int k = 0; k < s.middle; k++) {
                float factor = (float) (gg[k] / norms[k]);
                int base = (o * s.middle + k) * s.inner;
                for (int i = 0; i < s.inner; i++) {
                    ww[base + i] = vv[base + i] * factor;
                }
            }
        }
    }

    @Override
    public void weightNormBackward(Tensor dg, Tensor dv, Tensor dw, Tensor g, Tensor v, int dim) {
        WeightNormShape s = WeightNormShape.of(v, g, dim);
        double[] norms = s.norms(d(v));
        float[] vv = d(v), gg = d(g), dww = d(dw);
        double[] dotWV = new double[s.middle];
        for (int o = 0; o < s.outer; o++) {
            for (int k = 0; k < s.middle; k++) {
                int base = (o * s.middle + k) * s.inner;
                for (int i = 0; i < s.inner; i++) {
                    dotWV[k] += (double) dww[base + i] * vv[base + i];
                }
            }
        }
        if (dg != null) {
            float[] dgg = d(dg);
            for (int k = 0; k < s.middle; k++) {
                dgg[k] += (float) (dotWV[k] / norms[k]);
            }
        }
        if (dv != null) {
            float[] dvv = d(dv);
            for (int o = 0; o < s.outer; o++) {
                for (int k = 0; k < s.middle; k++) {
                    double scale = gg[k] / norms[k];
                    double projection = dotWV[k] / (norms[k] * norms[k]);
                    int base = (o * s.middle + k) * s.inner;
                    for (int i = 0; i < s.inner; i++) {
                        dvv[base + i] += (float) (scale * (dww[base + i] - projection * vv[base + i]));
                    }
                }
            }
        }
    }

    /** v viewed as [outer, middle, inner] around the kept dimension. */
    private record WeightNormShape(int outer, int middle, int inner) {
        static WeightNormShape of(Tensor v, Tensor g, int dim) {
            int[] shape = v.shape();
            int outer = 1, inner = 1;
            for (int i = 0; i < dim; i++) {
                outer *= shape[i];
            }
            for (int i = dim + 1; i < shape.length; i++) {
                inner *= shape[i];
            }
            if (g.size() != shape[dim]) {
                throw new IllegalArgumentException("weightNorm: g " + g + " does not match dimension " + dim + " of " + v);
            }
            return new WeightNormShape(outer, shape[dim], inner);
        }

        double[] norms(float[] v) {
            double[] sq = new double[middle];
            for (int o = 0; o < outer; o++) {
                for (int k = 0; k < middle; k++) {
                    int base = (o * middle + k) * inner;
                    for (int i = 0; i < inner; i++) {
                        sq[k] += (double) v[base + i] * v[base + i];
                    }
                }
            }
            for (int k = 0; k < middle; k++) {
                sq[k] = Math.sqrt(sq[k]);
            }
            return sq;
        }
    }

    // ---------------------------------------------------------------- activations

    @Override
    public void gelu(Tensor y, Tensor x) {
        requireSize("gelu", y, x.size());
        float[] xx = d(x), yy = d(y);
        parallel.forRange(xx.length, 1 << 14, (i0, i1) -> {
            for (int i = i0; i < i1; i++) {
                double v = xx[i];
                yy[i] = (float) (0.5 * v * (1 + Erf.erf(v * INV_SQRT2)));
            }
        });
    }

    @Override
    public void geluBackward(Tensor dx, Tensor dy, Tensor x) {
        requireSize("geluBackward dy", dy, x.size());
        requireSize("geluBackward dx", dx, x.size());
        float[] xx = d(x), g = d(dy), dxx = d(dx);
        parallel.forRange(xx.length, 1 << 14, (i0, i1) -> {
            for (int i = i0; i < i1; i++) {
                double v = xx[i];
                double cdf = 0.5 * (1 + Erf.erf(v * INV_SQRT2));
                double pdf = Math.exp(-0.5 * v * v) * INV_SQRT_2PI;
                dxx[i] += (float) (g[i] * (cdf + v * pdf));
            }
        });
    }

    @Override
    public void softmax(Tensor y, Tensor x) {
        softmaxRows(d(x), d(y), x.dim(-1), false);
    }

    @Override
    public void logSoftmax(Tensor y, Tensor x) {
        softmaxRows(d(x), d(y), x.dim(-1), true);
    }

    private void softmaxRows(float[] x, float[] y, int cols, boolean log) {
        int rows = x.length / cols;
        parallel.forRange(rows, 64, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int off = r * cols;
                float max = Float.NEGATIVE_INFINITY;
                for (int c = 0; c < cols; c++) {
                    max = Math.max(max, x[off + c]);
                }
                double sum = 0;
                for (int c = 0; c < cols; c++) {
                    sum += Math.exp(x[off + c] - max);
                }
                if (log) {
                    float logSum = (float) (max + Math.log(sum));
                    for (int c = 0; c < cols; c++) {
                        y[off + c] = x[off + c] - logSum;
                    }
                } else {
                    for (int c = 0; c < cols; c++) {
                        y[off + c] = (float) (Math.exp(x[off + c] - max) / sum);
                    }
                }
            }
        });
    }

    @Override
    public void softmaxBackward(Tensor dx, Tensor dy, Tensor y) {
        int cols = y.dim(-1), rows = y.size() / cols;
        float[] yy = d(y), g = d(dy), dxx = d(dx);
        for (int r = 0; r < rows; r++) {
            int off = r * cols;
            double dot = 0;
            for (int c = 0; c < cols; c++) {
                dot += (double) g[off + c] * yy[off + c];
            }
            for (int c = 0; c < cols; c++) {
                dxx[off + c] += (float) (yy[off + c] * (g[off + c] - dot));
            }
        }
    }

    @Override
    public void logSoftmaxBackward(Tensor dx, Tensor dy, Tensor y) {
        int cols = y.dim(-1), rows = y.size() / cols;
        float[] yy = d(y), g = d(dy), dxx = d(dx);
        for (int r = 0; r < rows; r++) {
            int off = r * cols;
            double sum = 0;
            for (int c = 0; c < cols; c++) {
                sum += g[off + c];
            }
            for (int c = 0; c < cols; c++) {
                dxx[off + c] += (float) (g[off + c] - Math.exp(yy[off + c]) * sum);
            }
        }
    }

    // ---------------------------------------------------------------- attention

    @Override
    public void attention(Tensor out, Tensor probs, Tensor q, Tensor k, Tensor v, int heads) {
        int frames = q.dim(0), width = q.dim(1), headDim = width / heads;
        checkAttention("attention", out, probs, q, k, v, heads);
        float scale = (float) (1 / Math.sqrt(headDim));
        float[] kT = transposed(d(k), frames, width);
        float[] p = d(probs);
        for (int h = 0; h < heads; h++) {
            int pOff = h * frames * frames;
            // scores = q_h k_h^T: rows of q_h against the rows [h*D, (h+1)*D) of k^T.
            Gemm.multiply(parallel, frames, frames, headDim, d(q), h * headDim, width,
                    kT, h * headDim * frames, frames, p, pOff, frames, false);
            for (int i = pOff; i < pOff + frames * frames; i++) {
                p[i] *= scale;
            }
        }
        softmaxRows(p, p, frames, false);
        for (int h = 0; h < heads; h++) {
            Gemm.multiply(parallel, frames, headDim, frames, p, h * frames * frames, frames,
                    d(v), h * headDim, width, d(out), h * headDim, width, false);
        }
    }

    @Override
    public void attentionBackward(Tensor dq, Tensor dk, Tensor dv, Tensor dout, Tensor q, Tensor k, Tensor v,
                                  Tensor probs, int heads) {
        int frames = q.dim(0), width = q.dim(1), headDim = width / heads;
        checkAttention("attentionBackward", dout, probs, q, k, v, heads);
        float scale = (float) (1 / Math.sqrt(headDim));
        float[] p = d(probs);
        float[] pT = new float[frames * frames];
        float[] dScores = new float[frames * frames];
        float[] vT = transposed(d(v), frames, width);
        for (int h = 0; h < heads; h++) {
            int pOff = h * frames * frames;
            if (dv != null) {
                transposeInto(Arrays.copyOfRange(p, pOff, pOff + frames * frames), frames, frames, pT, false);
                Gemm.multiply(parallel, frames, headDim, frames, pT, 0, frames, d(dout), h * headDim, width,
                        d(dv), h * headDim, width, true);
            }
            if (dq == null && dk == null) {
                continue;
            }
            // dP = dout_h v_h^T, then through the softmax and the scale.
            Gemm.multiply(parallel, frames, frames, headDim, d(dout), h * headDim, width,
                    vT, h * headDim * frames, frames, dScores, 0, frames, false);
            for (int i = 0; i < frames; i++) {
                int row = i * frames;
                double dot = 0;
                for (int j = 0; j < frames; j++) {
                    dot += (double) dScores[row + j] * p[pOff + row + j];
                }
                for (int j = 0; j < frames; j++) {
                    dScores[row + j] = (float) (p[pOff + row + j] * (dScores[row + j] - dot)) * scale;
                }
            }
            if (dq != null) {
                Gemm.multiply(parallel, frames, headDim, frames, dScores, 0, frames, d(k), h * headDim, width,
                        d(dq), h * headDim, width, true);
            }
            if (dk != null) {
                float[] dScoresT = transposed(dScores, frames, frames);
                Gemm.multiply(parallel, frames, headDim, frames, dScoresT, 0, frames, d(q), h * headDim, width,
                        d(dk), h * headDim, width, true);
            }
        }
    }

    private static void checkAttention(String op, Tensor out, Tensor probs, Tensor q, Tensor k, Tensor v, int heads) {
        int frames = q.dim(0), width = q.dim(1);
        if (q.rank() != 2 || width % heads != 0) {
            throw new IllegalArgumentException(op + ": q " + q + " cannot split into " + heads + " heads");
        }
        requireShape(op + " k", k, frames, width);
        requireShape(op + " v", v, frames, width);
        requireShape(op + " out", out, frames, width);
        requireShape(op + " probs", probs, heads, frames, frames);
    }

    // ---------------------------------------------------------------- optimizer

    @Override
    public void adamW(Tensor param, Tensor grad, Tensor m, Tensor v, float lr, float beta1, float beta2,
                      float eps, float weightDecay, int step) {
        requireSize("adamW grad", grad, param.size());
        requireSize("adamW m", m, param.size());
        requireSize("adamW v", v, param.size());
        float[] p = d(param), g = d(grad), mm = d(m), vv = d(v);
        double biasCorrection1 = 1 - Math.pow(beta1, step);
        double biasCorrection2Sqrt = Math.sqrt(1 - Math.pow(beta2, step));
        double stepSize = lr / biasCorrection1;
        for (int i = 0; i < p.length; i++) {
            p[i] *= 1 - lr * weightDecay;
            mm[i] = beta1 * mm[i] + (1 - beta1) * g[i];
            vv[i] = beta2 * vv[i] + (1 - beta2) * g[i] * g[i];
            double denom = Math.sqrt(vv[i]) / biasCorrection2Sqrt + eps;
            p[i] -= (float) (stepSize * mm[i] / denom);
        }
    }

    // ---------------------------------------------------------------- helpers

    private static float[] d(Tensor t) {
        if (!(t instanceof CpuTensor cpu)) {
            throw new IllegalArgumentException("CpuBackend got a tensor of another backend: " + t);
        }
        return cpu.data();
    }

    private static void requireShape(String op, Tensor t, int... shape) {
        if (!Arrays.equals(t.shape(), shape)) {
            throw new IllegalArgumentException(op + ": expected shape " + Arrays.toString(shape) + ", got " + t);
        }
    }

    private static void requireSize(String op, Tensor t, int size) {
        if (t.size() != size) {
            throw new IllegalArgumentException(op + ": expected " + size + " elements, got " + t);
        }
    }
}
