package io.ttastream.kernels;

import static io.ttastream.kernels.Shapes.require;
import static io.ttastream.kernels.Shapes.requireRank;
import static io.ttastream.kernels.Shapes.requireShape;
import static io.ttastream.kernels.Shapes.requireSize;
import static io.ttastream.kernels.Shapes.rowsOf;
import static io.ttastream.kernels.VectorMath.L;
import static io.ttastream.kernels.VectorMath.S;

import io.ttastream.kernels.loss.SutaLoss;
import io.ttastream.kernels.loss.SutaLossConfig;
import java.util.Arrays;
import java.util.function.IntConsumer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * The reference {@link Backend}: pure Java on {@code float[]} tensors ({@link CpuTensor}),
 * vectorised with the Vector API and spread over a fixed number of threads. Products go through
 * a packed, register-blocked SGEMM ({@link Sgemm}); convolutions through im2col + SGEMM.
 *
 * <p>Results do not depend on the thread count. One instance may serve several calling threads
 * at once: scratch space is per thread. No op supports an output aliasing an input unless its
 * Javadoc says so.
 */
public final class CpuBackend implements Backend {
    /** Elementwise work is split into chunks of at least this many elements. */
    private static final int GRAIN = 1 << 15;
    /** Bound on an im2col buffer (floats); longer convolutions are done in column chunks. */
    static final int IM2COL_BUDGET = 1 << 20;

    private final Parallel parallel;

    /** A backend using every available processor. */
    public CpuBackend() {
        this(Runtime.getRuntime().availableProcessors());
    }

    /** A backend running its ops on {@code threads} threads (the caller's included). */
    public CpuBackend(int threads) {
        this.parallel = new Parallel(threads);
    }

    /** The number of threads an op may use. */
    public int threads() {
        return parallel.threads();
    }

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public void close() {
        parallel.close();
    }

    // ---------------------------------------------------------------- memory

    @Override
    public Tensor allocate(int... shape) {
        return new CpuTensor(shape);
    }

    @Override
    public void copy(Tensor dst, Tensor src) {
        requireSize("copy", "src", src, dst.size());
        System.arraycopy(data("copy", src), 0, data("copy", dst), 0, dst.size());
    }

    @Override
    public void fill(Tensor t, float value) {
        Arrays.fill(data("fill", t), value);
    }

    // ---------------------------------------------------------------- elementwise and reductions

    @Override
    public void add(Tensor out, Tensor a, Tensor b) {
        requireShape("add", "a", a, out.shape());
        requireShape("add", "b", b, out.shape());
        float[] o = data("add", out), x = data("add", a), y = data("add", b);
        parallel.forRange(o.length, GRAIN, (start, end) -> {
            int i = start;
            for (; i <= end - L; i += L) {
                FloatVector.fromArray(S, x, i).add(FloatVector.fromArray(S, y, i)).intoArray(o, i);
            }
            for (; i < end; i++) {
                o[i] = x[i] + y[i];
            }
        });
    }

    @Override
    public void axpy(Tensor y, float alpha, Tensor x) {
        requireSize("axpy", "x", x, y.size());
        axpy(data("axpy", y), 0, alpha, data("axpy", x), 0, y.size());
    }

    @Override
    public void scale(Tensor out, Tensor x, float alpha) {
        requireSize("scale", "x", x, out.size());
        float[] o = data("scale", out), in = data("scale", x);
        parallel.forRange(o.length, GRAIN, (start, end) -> {
            int i = start;
            for (; i <= end - L; i += L) {
                FloatVector.fromArray(S, in, i).mul(alpha).intoArray(o, i);
            }
            for (; i < end; i++) {
                o[i] = alpha * in[i];
            }
        });
    }

    @Override
    public void mul(Tensor out, Tensor a, Tensor b) {
        requireShape("mul", "a", a, out.shape());
        requireShape("mul", "b", b, out.shape());
        float[] o = data("mul", out), x = data("mul", a), y = data("mul", b);
        parallel.forRange(o.length, GRAIN, (start, end) -> {
            int i = start;
            for (; i <= end - L; i += L) {
                FloatVector.fromArray(S, x, i).mul(FloatVector.fromArray(S, y, i)).intoArray(o, i);
            }
            for (; i < end; i++) {
                o[i] = x[i] * y[i];
            }
        });
    }

    @Override
    public float sum(Tensor x) {
        return (float) VectorMath.sum(data("sum", x), 0, x.size());
    }

    @Override
    public float sumOfSquares(Tensor x) {
        float[] d = data("sumOfSquares", x);
        return (float) VectorMath.dot(d, 0, d, 0, d.length);
    }

    @Override
    public boolean allFinite(Tensor x) {
        float[] d = data("allFinite", x);
        // v - v is 0 for finite v and NaN for NaN or infinity; NaN survives the sum.
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (; i <= d.length - L; i += L) {
            FloatVector v = FloatVector.fromArray(S, d, i);
            acc = acc.add(v.sub(v));
        }
        float tail = 0f;
        for (; i < d.length; i++) {
            tail += d[i] - d[i];
        }
        return acc.reduceLanes(VectorOperators.ADD) + tail == 0f;
    }

    @Override
    public void transpose(Tensor y, Tensor x) {
        requireRank("transpose", "x", x, 2);
        requireShape("transpose", "y", y, x.dim(1), x.dim(0));
        transpose(data("transpose", y), data("transpose", x), x.dim(0), x.dim(1), false);
    }

    @Override
    public void transposeBackward(Tensor dx, Tensor dy) {
        requireRank("transposeBackward", "dy", dy, 2);
        requireShape("transposeBackward", "dx", dx, dy.dim(1), dy.dim(0));
        transpose(data("transposeBackward", dx), data("transposeBackward", dy), dy.dim(0), dy.dim(1), true);
    }

    /** dst[C, R] (+)= src[R, C]^T, in 32 x 32 tiles so both sides stay in cache. */
    private void transpose(float[] dst, float[] src, int rows, int cols, boolean accumulate) {
        int tile = 32;
        parallel.forEach(Sgemm.ceilDiv(rows, tile), block -> {
            int r0 = block * tile, r1 = Math.min(rows, r0 + tile);
            for (int c0 = 0; c0 < cols; c0 += tile) {
                int c1 = Math.min(cols, c0 + tile);
                for (int r = r0; r < r1; r++) {
                    for (int c = c0; c < c1; c++) {
                        dst[c * rows + r] = accumulate ? dst[c * rows + r] + src[r * cols + c] : src[r * cols + c];
                    }
                }
            }
        });
    }

    // ---------------------------------------------------------------- products

    @Override
    public void matmul(Tensor out, Tensor a, boolean transA, Tensor b, boolean transB, boolean accumulate) {
        Shapes.MatmulDims dims = Shapes.matmul(out, a, transA, b, transB);
        int m = dims.m(), n = dims.n(), k = dims.k();
        Sgemm.gemm(parallel, m, n, k,
                data("matmul", a), 0, a.dim(1), transA,
                data("matmul", b), 0, b.dim(1), transB,
                data("matmul", out), 0, n, accumulate);
    }

    @Override
    public void linear(Tensor y, Tensor x, Tensor w, Tensor bias) {
        Shapes.LinearDims dims = Shapes.linear("linear", x, w);
        int out = dims.out(), in = dims.in(), rows = dims.rows();
        requireShape("linear", "y", y, rows, out);
        float[] yd = data("linear", y);
        if (bias != null) {
            // Start every row at the bias, then accumulate the product onto it.
            requireShape("linear", "bias", bias, out);
            float[] bd = data("linear", bias);
            for (int r = 0; r < rows; r++) {
                System.arraycopy(bd, 0, yd, r * out, out);
            }
        }
        Sgemm.gemm(parallel, rows, out, in,
                data("linear", x), 0, in, false,
                data("linear", w), 0, in, true,
                yd, 0, out, bias != null);
    }

    @Override
    public void linearBackward(Tensor dx, Tensor dw, Tensor dbias, Tensor dy, Tensor x, Tensor w) {
        String op = "linearBackward";
        Shapes.LinearDims dims = Shapes.linear(op, x, w);
        int out = dims.out(), in = dims.in(), rows = dims.rows();
        requireShape(op, "dy", dy, rows, out);
        float[] dyd = data(op, dy);
        if (dx != null) {
            requireShape(op, "dx", dx, x.shape());
            Sgemm.gemm(parallel, rows, in, out, dyd, 0, out, false, data(op, w), 0, in, false,
                    data(op, dx), 0, in, true);
        }
        if (dw != null) {
            requireShape(op, "dw", dw, w.shape());
            Sgemm.gemm(parallel, out, in, rows, dyd, 0, out, true, data(op, x), 0, in, false,
                    data(op, dw), 0, in, true);
        }
        if (dbias != null) {
            requireShape(op, "dbias", dbias, out);
            float[] db = data(op, dbias);
            for (int r = 0; r < rows; r++) {
                axpy(db, 0, 1f, dyd, r * out, out);
            }
        }
    }

    /** Output steps per im2col chunk, so the column buffer stays within budget. */
    private static int chunk(Shapes.Conv s) {
        return Math.max(1, Math.min(s.tout(), IM2COL_BUDGET / s.columnRows()));
    }

    @Override
    public void conv1d(Tensor y, Tensor x, Tensor w, Tensor bias, int stride, int padLeft, int padRight, int groups) {
        Shapes.Conv s = Shapes.conv("conv1d", x, w, stride, padLeft, padRight, groups);
        requireShape("conv1d", "y", y, s.cout(), s.tout());
        float[] yd = data("conv1d", y), xd = data("conv1d", x), wd = data("conv1d", w);
        if (bias != null) {
            requireShape("conv1d", "bias", bias, s.cout());
            float[] bd = data("conv1d", bias);
            for (int c = 0; c < s.cout(); c++) {
                Arrays.fill(yd, c * s.tout(), (c + 1) * s.tout(), bd[c]);
            }
        }
        boolean hasBias = bias != null;
        forEachGroup(s, (par, g) -> {
            int rows = s.columnRows(), chunk = chunk(s);
            float[] columns = Workspace.ofCurrentThread().buffer(Workspace.Slot.COLUMNS, rows * chunk);
            for (int t0 = 0; t0 < s.tout(); t0 += chunk) {
                int width = Math.min(chunk, s.tout() - t0);
                im2col(par, s, xd, g, t0, width, columns);
                // y_g[:, t0 : t0 + width] (+)= w_g [outPerGroup, rows] x columns [rows, width]
                Sgemm.gemm(par, s.outPerGroup(), width, rows,
                        wd, g * s.outPerGroup() * rows, rows, false,
                        columns, 0, width, false,
                        yd, g * s.outPerGroup() * s.tout() + t0, s.tout(), hasBias);
            }
        });
    }

    /** The work of one group of a convolution, run with the given parallelism. */
    @FunctionalInterface
    private interface GroupWork {
        void run(Parallel par, int group);
    }

    /**
     * Runs every group: with at least as many groups as threads, one group per task (each with a
     * single-threaded GEMM, as for the 16-group positional conv); otherwise one group after the
     * other, each using every thread. Groups write disjoint rows of y, dw and dx.
     */
    private void forEachGroup(Shapes.Conv s, GroupWork work) {
        if (s.groups() >= parallel.threads()) {
            parallel.forEach(s.groups(), g -> work.run(Parallel.SERIAL, g));
        } else {
            for (int g = 0; g < s.groups(); g++) {
                work.run(parallel, g);
            }
        }
    }

    @Override
    public void conv1dBackward(Tensor dx, Tensor dw, Tensor dbias, Tensor dy, Tensor x, Tensor w,
                               int stride, int padLeft, int padRight, int groups) {
        String op = "conv1dBackward";
        Shapes.Conv s = Shapes.conv(op, x, w, stride, padLeft, padRight, groups);
        requireShape(op, "dy", dy, s.cout(), s.tout());
        float[] dyd = data(op, dy), xd = data(op, x), wd = data(op, w);
        if (dbias != null) {
            requireShape(op, "dbias", dbias, s.cout());
            float[] db = data(op, dbias);
            for (int c = 0; c < s.cout(); c++) {
                db[c] += (float) VectorMath.sum(dyd, c * s.tout(), s.tout());
            }
        }
        float[] dwd = dw == null ? null : data(op, dw);
        float[] dxd = dx == null ? null : data(op, dx);
        if (dw != null) {
            requireShape(op, "dw", dw, w.shape());
        }
        if (dx != null) {
            requireShape(op, "dx", dx, x.shape());
        }
        if (dw == null && dx == null) {
            return;
        }
        forEachGroup(s, (par, g) -> {
            int rows = s.columnRows(), chunk = chunk(s);
            float[] columns = Workspace.ofCurrentThread().buffer(Workspace.Slot.COLUMNS, rows * chunk);
            int wOff = g * s.outPerGroup() * rows;
            int dyOff = g * s.outPerGroup() * s.tout();
            for (int t0 = 0; t0 < s.tout(); t0 += chunk) {
                int width = Math.min(chunk, s.tout() - t0);
                if (dwd != null) {
                    // dw_g += dy_g[:, chunk] x columns^T
                    im2col(par, s, xd, g, t0, width, columns);
                    Sgemm.gemm(par, s.outPerGroup(), rows, width,
                            dyd, dyOff + t0, s.tout(), false,
                            columns, 0, width, true,
                            dwd, wOff, rows, true);
                }
                if (dxd != null) {
                    // columns' gradient = w_g^T x dy_g[:, chunk], folded back onto dx by col2im
                    Sgemm.gemm(par, rows, width, s.outPerGroup(),
                            wd, wOff, rows, true,
                            dyd, dyOff + t0, s.tout(), false,
                            columns, 0, width, false);
                    col2im(par, s, columns, g, t0, width, dxd);
                }
            }
        });
    }

    /**
     * Fills columns[(c * K + tap) * width + j] = x[g * inPerGroup + c, (t0 + j) * stride + tap - padLeft],
     * zero where that index falls in the padding.
     */
    private static void im2col(Parallel par, Shapes.Conv s, float[] x, int g, int t0, int width, float[] columns) {
        par.forRange(s.columnRows(), 1, (first, last) -> {
            for (int row = first; row < last; row++) {
                int tap = row % s.k();
                int src = (g * s.inPerGroup() + row / s.k()) * s.tin();
                int dst = row * width;
                int lo = validStart(s, tap, t0, width), hi = validEnd(s, tap, t0, width);
                Arrays.fill(columns, dst, dst + lo, 0f);
                // hi <= lo when the whole chunk lies in the padding for this tap; the source index is then
                // outside x, which arraycopy rejects even for a zero length.
                if (s.stride() == 1 && hi > lo) {
                    System.arraycopy(x, src + t0 + lo + tap - s.padLeft(), columns, dst + lo, hi - lo);
                } else {
                    for (int j = lo; j < hi; j++) {
                        columns[dst + j] = x[src + (t0 + j) * s.stride() + tap - s.padLeft()];
                    }
                }
                Arrays.fill(columns, dst + Math.max(lo, hi), dst + width, 0f);
            }
        });
    }

    /** dx[g * inPerGroup + c, (t0 + j) * stride + tap - padLeft] += columns[(c * K + tap) * width + j]. */
    private static void col2im(Parallel par, Shapes.Conv s, float[] columns, int g, int t0, int width, float[] dx) {
        // One task per input channel: its K rows are the only ones writing that row of dx.
        par.forRange(s.inPerGroup(), 1, (first, last) -> {
            for (int c = first; c < last; c++) {
                int dst = (g * s.inPerGroup() + c) * s.tin();
                for (int tap = 0; tap < s.k(); tap++) {
                    int src = (c * s.k() + tap) * width;
                    int lo = validStart(s, tap, t0, width), hi = validEnd(s, tap, t0, width);
                    if (s.stride() == 1 && hi > lo) {
                        axpy(dx, dst + t0 + lo + tap - s.padLeft(), 1f, columns, src + lo, hi - lo);
                    } else {
                        for (int j = lo; j < hi; j++) {
                            dx[dst + (t0 + j) * s.stride() + tap - s.padLeft()] += columns[src + j];
                        }
                    }
                }
            }
        });
    }

    /** First j in [0, width] whose input index (t0 + j) * stride + tap - padLeft is >= 0. */
    private static int validStart(Shapes.Conv s, int tap, int t0, int width) {
        int need = s.padLeft() - tap - t0 * s.stride();
        return need <= 0 ? 0 : Math.min(width, Sgemm.ceilDiv(need, s.stride()));
    }

    /** One past the last j in [0, width] whose input index is < Tin. */
    private static int validEnd(Shapes.Conv s, int tap, int t0, int width) {
        int room = s.tin() - 1 + s.padLeft() - tap - t0 * s.stride();
        return room < 0 ? 0 : Math.min(width, room / s.stride() + 1);
    }

    // ---------------------------------------------------------------- normalisation

    @Override
    public void layerNorm(Tensor y, Tensor mean, Tensor rstd, Tensor x, Tensor gamma, Tensor beta, float eps) {
        String op = "layerNorm";
        Shapes.Rows shape = Shapes.layerNorm(op, x, mean, rstd, gamma, "y", y, beta);
        int c = shape.width(), rows = shape.rows();
        float[] yd = data(op, y), xd = data(op, x), md = data(op, mean), rd = data(op, rstd);
        float[] gd = data(op, gamma), bd = data(op, beta);
        parallel.forRange(rows, Math.max(1, GRAIN / Math.max(1, c)), (first, last) -> {
            for (int r = first; r < last; r++) {
                int off = r * c;
                float mu = (float) (VectorMath.sum(xd, off, c) / c);
                float inv = (float) (1.0 / Math.sqrt(VectorMath.sumSquaredDeviations(xd, off, c, mu) / c + eps));
                md[r] = mu;
                rd[r] = inv;
                normalizeAffine(yd, xd, off, gd, 0, bd, 0, c, mu, inv);
            }
        });
    }

    /** y[off + i] = (x[off + i] - mean) * rstd * gamma[gOff + i] + beta[gOff + i] for i in [0, n). */
    private static void normalizeAffine(float[] y, float[] x, int off, float[] gamma, int gOff, float[] beta, int bOff,
                                        int n, float mean, float rstd) {
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector xhat = FloatVector.fromArray(S, x, off + i).sub(mean).mul(rstd);
            xhat.fma(FloatVector.fromArray(S, gamma, gOff + i), FloatVector.fromArray(S, beta, bOff + i))
                    .intoArray(y, off + i);
        }
        for (; i < n; i++) {
            y[off + i] = (x[off + i] - mean) * rstd * gamma[gOff + i] + beta[bOff + i];
        }
    }

    @Override
    public void layerNormBackward(Tensor dx, Tensor dgamma, Tensor dbeta, Tensor dy, Tensor x,
                                  Tensor mean, Tensor rstd, Tensor gamma) {
        String op = "layerNormBackward";
        Shapes.Rows shape = Shapes.layerNorm(op, x, mean, rstd, gamma, "dy", dy, null);
        int c = shape.width(), rows = shape.rows();
        float[] dyd = data(op, dy), xd = data(op, x), md = data(op, mean), rd = data(op, rstd), gd = data(op, gamma);
        if (dx != null) {
            requireShape(op, "dx", dx, x.shape());
            float[] dxd = data(op, dx);
            // With g = dy * gamma and xhat = (x - mean) * rstd:
            // dx = rstd * (g - mean(g) - xhat * mean(g * xhat)).
            parallel.forRange(rows, Math.max(1, GRAIN / Math.max(1, c)), (first, last) -> {
                float[] scaledDy = new float[c];
                for (int r = first; r < last; r++) {
                    int off = r * c;
                    for (int i = 0; i < c; i++) {
                        scaledDy[i] = dyd[off + i] * gd[i];
                    }
                    double sumG = VectorMath.sum(scaledDy, 0, c);
                    double sumGx = VectorMath.dot(scaledDy, 0, xd, off, c);
                    float mu = md[r], inv = rd[r];
                    float meanG = (float) (sumG / c);
                    float meanGXhat = (float) ((sumGx - mu * sumG) * inv / c);
                    accumulateNormGrad(dxd, off, scaledDy, 0, xd, off, c, inv, 1f, mu, meanG, meanGXhat);
                }
            });
        }
        if (dgamma != null || dbeta != null) {
            float[] dg = dgamma == null ? null : data(op, requireShape(op, "dgamma", dgamma, c));
            float[] db = dbeta == null ? null : data(op, requireShape(op, "dbeta", dbeta, c));
            // Column sums over rows; split by columns so no two tasks write the same element.
            parallel.forRange(c, 64, (first, last) -> {
                for (int r = 0; r < rows; r++) {
                    int off = r * c;
                    float mu = md[r], inv = rd[r];
                    for (int i = first; i < last; i++) {
                        float g = dyd[off + i];
                        if (dg != null) {
                            dg[i] += g * (xd[off + i] - mu) * inv;
                        }
                        if (db != null) {
                            db[i] += g;
                        }
                    }
                }
            });
        }
    }

    // Channel-major layer norm: every task owns a range of time steps and sweeps the channel rows over it, so
    // each pass reads memory in order and the per-step sums vectorise across steps (written out with the
    // Vector API: C2 does not vectorise loops that store into one array while reading another at an offset).

    @Override
    public void layerNormChannelMajor(Tensor y, Tensor mean, Tensor rstd, Tensor x, Tensor gamma, Tensor beta, float eps) {
        String op = "layerNormChannelMajor";
        Shapes.Rows shape = Shapes.layerNormChannelMajor(op, x, mean, rstd, gamma, "y", y, beta);
        int steps = shape.rows(), c = shape.width();
        float[] yd = data(op, y), xd = data(op, x), md = data(op, mean), rd = data(op, rstd);
        float[] gd = data(op, gamma), bd = data(op, beta);
        parallel.forRange(steps, stepGrain(c), (first, last) -> {
            int n = last - first, vectorEnd = S.loopBound(n);
            Arrays.fill(md, first, last, 0f);
            Arrays.fill(rd, first, last, 0f);
            for (int ch = 0; ch < c; ch++) {
                int row = ch * steps + first;
                int t = 0;
                for (; t < vectorEnd; t += L) {
                    FloatVector.fromArray(S, xd, row + t).add(FloatVector.fromArray(S, md, first + t))
                            .intoArray(md, first + t);
                }
                for (; t < n; t++) {
                    md[first + t] += xd[row + t];
                }
            }
            for (int t = first; t < last; t++) {
                md[t] /= c;
            }
            for (int ch = 0; ch < c; ch++) {  // two passes: squared deviations are stabler than E[x^2] - mean^2
                int row = ch * steps + first;
                int t = 0;
                for (; t < vectorEnd; t += L) {
                    FloatVector d = FloatVector.fromArray(S, xd, row + t).sub(FloatVector.fromArray(S, md, first + t));
                    d.fma(d, FloatVector.fromArray(S, rd, first + t)).intoArray(rd, first + t);
                }
                for (; t < n; t++) {
                    float d = xd[row + t] - md[first + t];
                    rd[first + t] += d * d;
                }
            }
            for (int t = first; t < last; t++) {
                rd[t] = (float) (1.0 / Math.sqrt(rd[t] / c + eps));
            }
            for (int ch = 0; ch < c; ch++) {
                int row = ch * steps + first;
                float g = gd[ch], b = bd[ch];
                int t = 0;
                for (; t < vectorEnd; t += L) {
                    FloatVector.fromArray(S, xd, row + t).sub(FloatVector.fromArray(S, md, first + t))
                            .mul(FloatVector.fromArray(S, rd, first + t)).fma(g, b).intoArray(yd, row + t);
                }
                for (; t < n; t++) {
                    yd[row + t] = (xd[row + t] - md[first + t]) * rd[first + t] * g + b;
                }
            }
        });
    }

    @Override
    public void layerNormChannelMajorBackward(Tensor dx, Tensor dgamma, Tensor dbeta, Tensor dy, Tensor x,
                                              Tensor mean, Tensor rstd, Tensor gamma) {
        String op = "layerNormChannelMajorBackward";
        Shapes.Rows shape = Shapes.layerNormChannelMajor(op, x, mean, rstd, gamma, "dy", dy, null);
        int steps = shape.rows(), c = shape.width();
        float[] dyd = data(op, dy), xd = data(op, x), md = data(op, mean), rd = data(op, rstd), gd = data(op, gamma);
        if (dx != null) {
            requireShape(op, "dx", dx, x.shape());
            float[] dxd = data(op, dx);
            parallel.forRange(steps, stepGrain(c), (first, last) ->
                    channelMajorInputGrad(dxd, dyd, xd, md, rd, gd, c, steps, first, last));
        }
        if (dgamma != null || dbeta != null) {
            float[] dg = dgamma == null ? null : data(op, requireShape(op, "dgamma", dgamma, c));
            float[] db = dbeta == null ? null : data(op, requireShape(op, "dbeta", dbeta, c));
            // Row sums: one channel's gradient is a sum over its own row.
            parallel.forRange(c, Math.max(1, GRAIN / Math.max(1, steps)), (first, last) -> {
                int vectorEnd = S.loopBound(steps);
                for (int ch = first; ch < last; ch++) {
                    int row = ch * steps;
                    if (dg != null) {
                        FloatVector acc = FloatVector.zero(S);
                        int t = 0;
                        for (; t < vectorEnd; t += L) {
                            FloatVector xhat = FloatVector.fromArray(S, xd, row + t)
                                    .sub(FloatVector.fromArray(S, md, t)).mul(FloatVector.fromArray(S, rd, t));
                            acc = FloatVector.fromArray(S, dyd, row + t).fma(xhat, acc);
                        }
                        double sum = acc.reduceLanes(VectorOperators.ADD);
                        for (; t < steps; t++) {
                            sum += dyd[row + t] * (xd[row + t] - md[t]) * rd[t];
                        }
                        dg[ch] += (float) sum;
                    }
                    if (db != null) {
                        db[ch] += (float) VectorMath.sum(dyd, row, steps);
                    }
                }
            });
        }
    }

    /**
     * dx for time steps [first, last) of a channel-major layer norm, as {@link #layerNormBackward} per step:
     * dx += rstd * (g - mean(g) - xhat * mean(g * xhat)) with g = dy * gamma, the means over the channels.
     */
    private static void channelMajorInputGrad(float[] dx, float[] dy, float[] x, float[] mean, float[] rstd,
                                              float[] gamma, int c, int steps, int first, int last) {
        int n = last - first, vectorEnd = S.loopBound(n);
        float[] meanG = new float[n], meanGXhat = new float[n];
        for (int ch = 0; ch < c; ch++) {
            int row = ch * steps + first;
            float gam = gamma[ch];
            int t = 0;
            for (; t < vectorEnd; t += L) {
                FloatVector g = FloatVector.fromArray(S, dy, row + t).mul(gam);
                FloatVector xhat = FloatVector.fromArray(S, x, row + t).sub(FloatVector.fromArray(S, mean, first + t))
                        .mul(FloatVector.fromArray(S, rstd, first + t));
                g.add(FloatVector.fromArray(S, meanG, t)).intoArray(meanG, t);
                g.fma(xhat, FloatVector.fromArray(S, meanGXhat, t)).intoArray(meanGXhat, t);
            }
            for (; t < n; t++) {
                float g = dy[row + t] * gam;
                meanG[t] += g;
                meanGXhat[t] += g * (x[row + t] - mean[first + t]) * rstd[first + t];
            }
        }
        for (int t = 0; t < n; t++) {
            meanG[t] /= c;
            meanGXhat[t] /= c;
        }
        for (int ch = 0; ch < c; ch++) {
            int row = ch * steps + first;
            float gam = gamma[ch];
            int t = 0;
            for (; t < vectorEnd; t += L) {
                FloatVector inv = FloatVector.fromArray(S, rstd, first + t);
                FloatVector xhat = FloatVector.fromArray(S, x, row + t).sub(FloatVector.fromArray(S, mean, first + t))
                        .mul(inv);
                FloatVector inner = FloatVector.fromArray(S, dy, row + t).mul(gam)
                        .sub(FloatVector.fromArray(S, meanG, t))
                        .sub(xhat.mul(FloatVector.fromArray(S, meanGXhat, t)));
                inv.fma(inner, FloatVector.fromArray(S, dx, row + t)).intoArray(dx, row + t);
            }
            for (; t < n; t++) {
                float inv = rstd[first + t];
                float xhat = (x[row + t] - mean[first + t]) * inv;
                dx[row + t] += inv * (dy[row + t] * gam - meanG[t] - xhat * meanGXhat[t]);
            }
        }
    }

    /** Time steps per task of a channel-major norm: enough channel-rows of work to be worth a task. */
    private static int stepGrain(int channels) {
        return Math.max(64, GRAIN / Math.max(1, channels));
    }

    /**
     * dx[i] += rstd * (gamma * g[i] - meanG - xhat[i] * meanGXhat) over n elements, with
     * xhat[i] = (x[i] - mean) * rstd: the shared tail of the layer and group norm backwards.
     */
    private static void accumulateNormGrad(float[] dx, int dxOff, float[] g, int gOff, float[] x, int xOff, int n,
                                           float rstd, float gamma, float mean, float meanG, float meanGXhat) {
        // Expanded: dx += (rstd * gamma) * g - (rstd^2 * meanGXhat) * x + rstd * (mean * rstd * meanGXhat - meanG)
        float coefG = rstd * gamma;
        float coefX = -rstd * rstd * meanGXhat;
        float shift = rstd * (mean * rstd * meanGXhat - meanG);
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector v = FloatVector.fromArray(S, g, gOff + i).mul(coefG)
                    .add(FloatVector.fromArray(S, x, xOff + i).fma(coefX, shift));
            v.add(FloatVector.fromArray(S, dx, dxOff + i)).intoArray(dx, dxOff + i);
        }
        for (; i < n; i++) {
            dx[dxOff + i] += coefG * g[gOff + i] + (coefX * x[xOff + i] + shift);
        }
    }

    @Override
    public void groupNorm(Tensor y, Tensor mean, Tensor rstd, Tensor x, int groups, Tensor gamma, Tensor beta, float eps) {
        String op = "groupNorm";
        int[] geometry = groupGeometry(op, x, groups);
        int channels = geometry[0], steps = geometry[1], perGroup = channels / groups;
        requireShape(op, "y", y, x.shape());
        requireSize(op, "mean", mean, groups);
        requireSize(op, "rstd", rstd, groups);
        requireShape(op, "gamma", gamma, channels);
        requireShape(op, "beta", beta, channels);
        float[] yd = data(op, y), xd = data(op, x), md = data(op, mean), rd = data(op, rstd);
        float[] gd = data(op, gamma), bd = data(op, beta);
        int n = perGroup * steps;
        parallel.forRange(groups, 1, (first, last) -> {
            for (int g = first; g < last; g++) {
                int off = g * n;
                float mu = (float) (VectorMath.sum(xd, off, n) / n);
                float inv = (float) (1.0 / Math.sqrt(VectorMath.sumSquaredDeviations(xd, off, n, mu) / n + eps));
                md[g] = mu;
                rd[g] = inv;
                for (int ch = g * perGroup; ch < (g + 1) * perGroup; ch++) {
                    // Per channel: y = x * (rstd * gamma) + (beta - mean * rstd * gamma).
                    float scale = inv * gd[ch], shift = bd[ch] - mu * scale;
                    int rowOff = ch * steps, i = 0;
                    for (; i <= steps - L; i += L) {
                        FloatVector.fromArray(S, xd, rowOff + i).fma(scale, shift).intoArray(yd, rowOff + i);
                    }
                    for (; i < steps; i++) {
                        yd[rowOff + i] = xd[rowOff + i] * scale + shift;
                    }
                }
            }
        });
    }

    @Override
    public void groupNormBackward(Tensor dx, Tensor dgamma, Tensor dbeta, Tensor dy, Tensor x, int groups,
                                  Tensor mean, Tensor rstd, Tensor gamma) {
        String op = "groupNormBackward";
        int[] geometry = groupGeometry(op, x, groups);
        int channels = geometry[0], steps = geometry[1], perGroup = channels / groups;
        requireShape(op, "dy", dy, x.shape());
        requireSize(op, "mean", mean, groups);
        requireSize(op, "rstd", rstd, groups);
        requireShape(op, "gamma", gamma, channels);
        float[] dyd = data(op, dy), xd = data(op, x), md = data(op, mean), rd = data(op, rstd), gd = data(op, gamma);
        float[] dxd = dx == null ? null : data(op, requireShape(op, "dx", dx, x.shape()));
        float[] dg = dgamma == null ? null : data(op, requireShape(op, "dgamma", dgamma, channels));
        float[] db = dbeta == null ? null : data(op, requireShape(op, "dbeta", dbeta, channels));
        int n = perGroup * steps;
        // Groups own disjoint channels, so tasks per group never write the same element.
        parallel.forRange(groups, 1, (first, last) -> {
            double[] sumDy = new double[perGroup], sumDyX = new double[perGroup];
            for (int g = first; g < last; g++) {
                float mu = md[g], inv = rd[g];
                double sumG = 0, sumGXhat = 0;
                for (int c = 0; c < perGroup; c++) {
                    int ch = g * perGroup + c, rowOff = ch * steps;
                    sumDy[c] = VectorMath.sum(dyd, rowOff, steps);
                    sumDyX[c] = VectorMath.dot(dyd, rowOff, xd, rowOff, steps);
                    double dyXhat = (sumDyX[c] - mu * sumDy[c]) * inv;
                    sumG += gd[ch] * sumDy[c];
                    sumGXhat += gd[ch] * dyXhat;
                    if (dg != null) {
                        dg[ch] += (float) dyXhat;
                    }
                    if (db != null) {
                        db[ch] += (float) sumDy[c];
                    }
                }
                if (dxd != null) {
                    float meanG = (float) (sumG / n), meanGXhat = (float) (sumGXhat / n);
                    for (int c = 0; c < perGroup; c++) {
                        int ch = g * perGroup + c, rowOff = ch * steps;
                        accumulateNormGrad(dxd, rowOff, dyd, rowOff, xd, rowOff, steps, inv, gd[ch], mu, meanG, meanGXhat);
                    }
                }
            }
        });
    }

    /** {channels, steps} of a [C, T] group-norm input, checked. */
    private static int[] groupGeometry(String op, Tensor x, int groups) {
        requireRank(op, "x", x, 2);
        require(groups >= 1 && x.dim(0) % groups == 0, op,
                () -> "channels " + x.dim(0) + " not divisible by groups " + groups);
        return new int[] {x.dim(0), x.dim(1)};
    }

    @Override
    public void weightNorm(Tensor w, Tensor g, Tensor v, int dim) {
        String op = "weightNorm";
        WeightNormShape s = weightNormShape(op, g, v, dim);
        requireShape(op, "w", w, v.shape());
        float[] wd = data(op, w), gd = data(op, g), vd = data(op, v);
        double[] norms = s.norms(vd);
        s.forEach((index, d) -> wd[index] = (float) (gd[d] / norms[d] * vd[index]));
    }

    @Override
    public void weightNormBackward(Tensor dg, Tensor dv, Tensor dw, Tensor g, Tensor v, int dim) {
        String op = "weightNormBackward";
        WeightNormShape s = weightNormShape(op, g, v, dim);
        requireShape(op, "dw", dw, v.shape());
        float[] dwd = data(op, dw), gd = data(op, g), vd = data(op, v);
        double[] norms = s.norms(vd);
        // With w = g v / n and dot = sum(dw * v) over the slice:
        // dg = dot / n, dv = (g / n) (dw - v dot / n^2).
        double[] dots = new double[s.size()];
        s.forEach((index, d) -> dots[d] += (double) dwd[index] * vd[index]);
        if (dg != null) {
            requireSize(op, "dg", dg, s.size());
            float[] dgd = data(op, dg);
            for (int d = 0; d < s.size(); d++) {
                dgd[d] += (float) (dots[d] / norms[d]);
            }
        }
        if (dv != null) {
            requireShape(op, "dv", dv, v.shape());
            float[] dvd = data(op, dv);
            s.forEach((index, d) -> dvd[index] += (float) (gd[d] / norms[d]
                    * (dwd[index] - vd[index] * dots[d] / (norms[d] * norms[d]))));
        }
    }

    /** v viewed as [outer, size, inner] around the kept dimension {@code dim}. */
    private record WeightNormShape(int outer, int size, int inner) {
        interface ElementVisitor {
            void visit(int index, int d);
        }

        /** Calls the visitor for every element of v with its index along the kept dimension. */
        void forEach(ElementVisitor visitor) {
            for (int o = 0, index = 0; o < outer; o++) {
                for (int d = 0; d < size; d++) {
                    for (int i = 0; i < inner; i++, index++) {
                        visitor.visit(index, d);
                    }
                }
            }
        }

        /** ||v|| of each slice along the kept dimension. */
        double[] norms(float[] v) {
            double[] norms = new double[size];
            forEach((index, d) -> norms[d] += (double) v[index] * v[index]);
            for (int d = 0; d < size; d++) {
                norms[d] = Math.sqrt(norms[d]);
            }
            return norms;
        }
    }

    private static WeightNormShape weightNormShape(String op, Tensor g, Tensor v, int dim) {
        Shapes.WeightNormView view = Shapes.weightNorm(op, g, v, dim);
        return new WeightNormShape(view.outer(), view.size(), view.inner());
    }

    // ---------------------------------------------------------------- activations

    private static final float SQRT_HALF = (float) Math.sqrt(0.5);
    private static final float INV_SQRT_2PI = (float) (1 / Math.sqrt(2 * Math.PI));

    /** GELU(x) = x * Phi(x) = 0.5 x (1 + erf(x / sqrt 2)). */
    private static FloatVector gelu(FloatVector x) {
        return x.mul(0.5f).mul(VectorMath.erf(x.mul(SQRT_HALF)).add(1f));
    }

    /** GELU'(x) = Phi(x) + x phi(x), phi the standard normal density. */
    private static FloatVector geluDerivative(FloatVector x) {
        FloatVector cdf = VectorMath.erf(x.mul(SQRT_HALF)).add(1f).mul(0.5f);
        FloatVector pdf = x.mul(x).mul(-0.5f).lanewise(VectorOperators.EXP).mul(INV_SQRT_2PI);
        return x.fma(pdf, cdf);
    }

    @Override
    public void gelu(Tensor y, Tensor x) {
        requireShape("gelu", "y", y, x.shape());
        float[] yd = data("gelu", y), xd = data("gelu", x);
        parallel.forRange(xd.length, GRAIN / 4, (start, end) -> {
            int i = start;
            for (; i <= end - L; i += L) {
                gelu(FloatVector.fromArray(S, xd, i)).intoArray(yd, i);
            }
            if (i < end) {
                VectorMask<Float> m = S.indexInRange(i, end);
                gelu(FloatVector.fromArray(S, xd, i, m)).intoArray(yd, i, m);
            }
        });
    }

    @Override
    public void geluBackward(Tensor dx, Tensor dy, Tensor x) {
        requireShape("geluBackward", "dy", dy, x.shape());
        requireShape("geluBackward", "dx", dx, x.shape());
        float[] dxd = data("geluBackward", dx), dyd = data("geluBackward", dy), xd = data("geluBackward", x);
        parallel.forRange(xd.length, GRAIN / 4, (start, end) -> {
            int i = start;
            for (; i <= end - L; i += L) {
                geluDerivative(FloatVector.fromArray(S, xd, i))
                        .fma(FloatVector.fromArray(S, dyd, i), FloatVector.fromArray(S, dxd, i)).intoArray(dxd, i);
            }
            if (i < end) {
                VectorMask<Float> m = S.indexInRange(i, end);
                geluDerivative(FloatVector.fromArray(S, xd, i, m))
                        .fma(FloatVector.fromArray(S, dyd, i, m), FloatVector.fromArray(S, dxd, i, m)).intoArray(dxd, i, m);
            }
        });
    }

    @Override
    public void softmax(Tensor y, Tensor x) {
        requireShape("softmax", "y", y, x.shape());
        float[] yd = data("softmax", y), xd = data("softmax", x);
        int c = x.dim(-1);
        forEachRow(x.size(), c, r -> softmaxRow(xd, yd, r * c, c, 1f));
    }

    @Override
    public void softmaxBackward(Tensor dx, Tensor dy, Tensor y) {
        String op = "softmaxBackward";
        requireShape(op, "dy", dy, y.shape());
        requireShape(op, "dx", dx, y.shape());
        float[] dxd = data(op, dx), dyd = data(op, dy), yd = data(op, y);
        int c = y.dim(-1);
        forEachRow(y.size(), c, r -> softmaxRowBackward(dyd, r * c, yd, r * c, dxd, r * c, c, 1f, true));
    }

    @Override
    public void logSoftmax(Tensor y, Tensor x) {
        requireShape("logSoftmax", "y", y, x.shape());
        float[] yd = data("logSoftmax", y), xd = data("logSoftmax", x);
        int c = x.dim(-1);
        forEachRow(x.size(), c, r -> {
            int off = r * c;
            float max = VectorMath.max(xd, off, c);
            double sumExp = 0;
            for (int i = 0; i < c; i++) {
                sumExp += Math.exp(xd[off + i] - max);
            }
            float shift = (float) (max + Math.log(sumExp));
            for (int i = 0; i < c; i++) {
                yd[off + i] = xd[off + i] - shift;
            }
        });
    }

    @Override
    public void logSoftmaxBackward(Tensor dx, Tensor dy, Tensor y) {
        String op = "logSoftmaxBackward";
        requireShape(op, "dy", dy, y.shape());
        requireShape(op, "dx", dx, y.shape());
        float[] dxd = data(op, dx), dyd = data(op, dy), yd = data(op, y);
        int c = y.dim(-1);
        // dx = dy - softmax * sum(dy), softmax = exp(y).
        forEachRow(y.size(), c, r -> {
            int off = r * c;
            float total = (float) VectorMath.sum(dyd, off, c);
            for (int i = 0; i < c; i++) {
                dxd[off + i] += dyd[off + i] - (float) Math.exp(yd[off + i]) * total;
            }
        });
    }

    private void forEachRow(int size, int rowLength, IntConsumer row) {
        int rows = rowLength == 0 ? 0 : size / rowLength;
        parallel.forRange(rows, Math.max(1, GRAIN / 8 / Math.max(1, rowLength)), (first, last) -> {
            for (int r = first; r < last; r++) {
                row.accept(r);
            }
        });
    }

    /** y[off ..] = softmax(scale * x[off ..]) over n elements; y may be x. */
    private static void softmaxRow(float[] x, float[] y, int off, int n, float scale) {
        float max = VectorMath.max(x, off, n);
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector e = FloatVector.fromArray(S, x, off + i).sub(max).mul(scale).lanewise(VectorOperators.EXP);
            e.intoArray(y, off + i);
            acc = acc.add(e);
        }
        double sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            y[off + i] = (float) Math.exp((x[off + i] - max) * scale);
            sum += y[off + i];
        }
        scaleInPlace(y, off, n, (float) (1 / sum));
    }

    /**
     * dx (+)= scale * y * (dy - sum(dy * y)) over a row of n elements: softmax's backward from its
     * output y, with the scale of a scaled input folded in. dx may be dy (then do not accumulate).
     */
    private static void softmaxRowBackward(float[] dy, int dyOff, float[] y, int yOff, float[] dx, int dxOff, int n,
                                           float scale, boolean accumulate) {
        float dot = (float) VectorMath.dot(dy, dyOff, y, yOff, n);
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector g = FloatVector.fromArray(S, dy, dyOff + i).sub(dot)
                    .mul(FloatVector.fromArray(S, y, yOff + i)).mul(scale);
            if (accumulate) {
                g = g.add(FloatVector.fromArray(S, dx, dxOff + i));
            }
            g.intoArray(dx, dxOff + i);
        }
        for (; i < n; i++) {
            float g = (dy[dyOff + i] - dot) * y[yOff + i] * scale;
            dx[dxOff + i] = accumulate ? dx[dxOff + i] + g : g;
        }
    }

    // ---------------------------------------------------------------- attention

    @Override
    public void attention(Tensor out, Tensor probs, Tensor q, Tensor k, Tensor v, int heads) {
        String op = "attention";
        Shapes.AttentionHeads g = Shapes.attention(op, q, k, v, probs, heads);
        int t = g.t(), d = g.d(), width = heads * d;
        requireShape(op, "out", out, t, width);
        float[] od = data(op, out), pd = data(op, probs), qd = data(op, q), kd = data(op, k), vd = data(op, v);
        float scale = (float) (1 / Math.sqrt(d));
        // Heads are independent: one per task, each with a single-threaded GEMM.
        parallel.forEach(heads, h -> {
            int pOff = h * t * t;
            Sgemm.gemm(Parallel.SERIAL, t, t, d, qd, h * d, width, false, kd, h * d, width, true, pd, pOff, t, false);
            for (int r = 0; r < t; r++) {
                softmaxRow(pd, pd, pOff + r * t, t, scale);
            }
            Sgemm.gemm(Parallel.SERIAL, t, d, t, pd, pOff, t, false, vd, h * d, width, false, od, h * d, width, false);
        });
    }

    @Override
    public void attentionBackward(Tensor dq, Tensor dk, Tensor dv, Tensor dout, Tensor q, Tensor k, Tensor v,
                                  Tensor probs, int heads) {
        String op = "attentionBackward";
        Shapes.AttentionHeads g = Shapes.attention(op, q, k, v, probs, heads);
        int t = g.t(), d = g.d(), width = heads * d;
        requireShape(op, "dout", dout, t, width);
        float[] dod = data(op, dout), pd = data(op, probs), qd = data(op, q), kd = data(op, k), vd = data(op, v);
        float[] dqd = dq == null ? null : data(op, requireShape(op, "dq", dq, t, width));
        float[] dkd = dk == null ? null : data(op, requireShape(op, "dk", dk, t, width));
        float[] dvd = dv == null ? null : data(op, requireShape(op, "dv", dv, t, width));
        float scale = (float) (1 / Math.sqrt(d));
        parallel.forEach(heads, h -> {
            int pOff = h * t * t, col = h * d;
            if (dvd != null) {
                // dv_h += probs_h^T dout_h
                Sgemm.gemm(Parallel.SERIAL, t, d, t, pd, pOff, t, true, dod, col, width, false, dvd, col, width, true);
            }
            if (dqd == null && dkd == null) {
                return;
            }
            // dS = scale * softmax'(dout_h v_h^T), the gradient of the raw scores q_h k_h^T.
            float[] ds = Workspace.ofCurrentThread().buffer(Workspace.Slot.SCORES, t * t);
            Sgemm.gemm(Parallel.SERIAL, t, t, d, dod, col, width, false, vd, col, width, true, ds, 0, t, false);
            for (int r = 0; r < t; r++) {
                softmaxRowBackward(ds, r * t, pd, pOff + r * t, ds, r * t, t, scale, false);
            }
            if (dqd != null) {
                Sgemm.gemm(Parallel.SERIAL, t, d, t, ds, 0, t, false, kd, col, width, false, dqd, col, width, true);
            }
            if (dkd != null) {
                Sgemm.gemm(Parallel.SERIAL, t, d, t, ds, 0, t, true, qd, col, width, false, dkd, col, width, true);
            }
        });
    }

    // ---------------------------------------------------------------- losses

    @Override
    public void sutaLoss(Tensor dLogits, Tensor stats, Tensor logits, SutaLossConfig config) {
        String op = "sutaLoss";
        Shapes.sutaLoss(dLogits, stats, logits, config);
        SutaLoss.Result r = new SutaLoss(config).compute(data(op, logits), logits.dim(0), logits.dim(1));
        System.arraycopy(r.gradLogits(), 0, data(op, dLogits), 0, r.gradLogits().length);
        float[] out = data(op, stats);
        out[SUTA_EM] = (float) r.em();
        out[SUTA_MCC] = (float) r.mcc();
        out[SUTA_TOTAL] = (float) r.total();
        out[SUTA_COLLAPSED] = r.collapsed() ? 1f : 0f;
        out[SUTA_MEAN_ENTROPY] = (float) r.meanEntropyAllFrames();
    }

    // ---------------------------------------------------------------- optimizer

    @Override
    public void adamW(Tensor param, Tensor grad, Tensor m, Tensor v, float lr, float beta1, float beta2,
                      float eps, float weightDecay, int step) {
        String op = "adamW";
        Shapes.adamW(step, param, grad, m, v);
        float[] pd = data(op, param), gd = data(op, grad), md = data(op, m), vd = data(op, v);
        // PyTorch's order: decay the parameter, update the moments, then step by
        // (lr / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps).
        float decay = 1 - lr * weightDecay;
        float stepSize = (float) (lr / (1 - Math.pow(beta1, step)));
        float invSqrtCorrection2 = (float) (1 / Math.sqrt(1 - Math.pow(beta2, step)));
        parallel.forRange(pd.length, GRAIN, (start, end) -> {
            for (int i = start; i < end; i += L) {
                VectorMask<Float> lanes = S.indexInRange(i, end);
                FloatVector g = FloatVector.fromArray(S, gd, i, lanes);
                FloatVector mNew = FloatVector.fromArray(S, md, i, lanes).mul(beta1).add(g.mul(1 - beta1));
                FloatVector vNew = FloatVector.fromArray(S, vd, i, lanes).mul(beta2).add(g.mul(g).mul(1 - beta2));
                FloatVector denom = vNew.lanewise(VectorOperators.SQRT).mul(invSqrtCorrection2).add(eps);
                FloatVector p = FloatVector.fromArray(S, pd, i, lanes).mul(decay).sub(mNew.div(denom).mul(stepSize));
                mNew.intoArray(md, i, lanes);
                vNew.intoArray(vd, i, lanes);
                p.intoArray(pd, i, lanes);
            }
        });
    }

    // ---------------------------------------------------------------- helpers

    /** y[yOff ..] += alpha * x[xOff ..] over n elements. */
    private static void axpy(float[] y, int yOff, float alpha, float[] x, int xOff, int n) {
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector.fromArray(S, x, xOff + i).fma(FloatVector.broadcast(S, alpha), FloatVector.fromArray(S, y, yOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] += alpha * x[xOff + i];
        }
    }

    private static void scaleInPlace(float[] a, int off, int n, float alpha) {
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector.fromArray(S, a, off + i).mul(alpha).intoArray(a, off + i);
        }
        for (; i < n; i++) {
            a[off + i] *= alpha;
        }
    }

    private static float[] data(String op, Tensor t) {
        if (t instanceof CpuTensor cpu) {
            return cpu.data();
        }
        throw new IllegalArgumentException(op + ": " + (t == null ? "null tensor" : "not a CPU tensor: " + t));
    }
}
