// Runs every kernel of src/main/cuda on the CPU through host_cuda.h and compares it with plain
// double-precision loops written from each kernel's documented contract. It checks the kernels'
// index arithmetic without a GPU; CudaParityCheck on a GPU remains the real test. Build and run
// with run-on-host.sh; exits non-zero on the first failure.
#include "host_cuda.h"

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "../../main/cuda/adamw.cu"
#include "../../main/cuda/conv1d.cu"
#include "../../main/cuda/elementwise.cu"
#include "../../main/cuda/gelu.cu"
#include "../../main/cuda/groupnorm.cu"
#include "../../main/cuda/layernorm.cu"
#include "../../main/cuda/linear.cu"
#include "../../main/cuda/matmul.cu"
#include "../../main/cuda/softmax.cu"
#include "../../main/cuda/weightnorm.cu"

using Vec = std::vector<float>;
static std::mt19937 rng(42);

static Vec gaussian(size_t n) {
    std::normal_distribution<float> d;
    Vec v(n);
    for (float& x : v) x = d(rng);
    return v;
}

static int failures = 0;

// |actual - expected| <= 1e-4 + 1e-4 |expected| elementwise.
static void check(const std::string& what, const std::vector<double>& expected, const Vec& actual) {
    double worst = 0;
    size_t bad = expected.size();
    for (size_t i = 0; i < expected.size(); i++) {
        double error = std::fabs(actual[i] - expected[i]);
        worst = std::max(worst, error);
        if (!(error <= 1e-4 + 1e-4 * std::fabs(expected[i])) && bad == expected.size()) bad = i;
    }
    if (expected.size() != actual.size()) bad = 0;
    std::printf("%-50s max abs err %.2e %s\n", what.c_str(), worst, bad == expected.size() ? "ok" : "FAIL");
    if (bad != expected.size()) {
        std::printf("  element %zu: %g, expected %g\n", bad, bad < actual.size() ? actual[bad] : NAN, expected[bad]);
        failures++;
    }
}

static std::vector<double> widen(const Vec& v) { return std::vector<double>(v.begin(), v.end()); }

static void elementwise() {
    int n = 1000;
    Vec a = gaussian(n), b = gaussian(n), out(n);
    std::vector<double> e(n);
    launch(add_kernel, 2, 256, out.data(), a.data(), b.data(), n);
    for (int i = 0; i < n; i++) e[i] = (double) a[i] + b[i];
    check("add", e, out);
    Vec y = a;
    launch(axpy_kernel, 2, 256, y.data(), -0.5f, b.data(), n);
    for (int i = 0; i < n; i++) e[i] = a[i] - 0.5 * b[i];
    check("axpy", e, y);
    launch(scale_kernel, 2, 256, out.data(), a.data(), 3.f, n);
    for (int i = 0; i < n; i++) e[i] = 3.0 * a[i];
    check("scale", e, out);
    launch(mul_kernel, 2, 256, out.data(), a.data(), b.data(), n);
    for (int i = 0; i < n; i++) e[i] = (double) a[i] * b[i];
    check("mul", e, out);
}

static void reductions() {
    int n = 10007;
    Vec x = gaussian(n), partials(1025);
    x[77] = INFINITY;
    x[5000] = NAN;
    double sum = 0, squares = 0;
    for (int kind = 0; kind < 3; kind++) {
        Vec clean = x;
        if (kind < 2) clean[77] = clean[5000] = 0.f;
        if (kind < 2) {
            sum = squares = 0;
            for (float v : clean) sum += v, squares += (double) v * v;
        }
        launch(partial_sums_kernel, 3, 256, partials.data(), clean.data(), n, kind);
        launch(final_sum_kernel, 1, 256, partials.data() + 1024, partials.data(), 3);
        double expected = kind == 0 ? sum : kind == 1 ? squares : 2;
        check("reduction kind " + std::to_string(kind), {expected}, {partials[1024]});
    }

    // The same three kinds over a table of tensors: 1, exactly one chunk, and a ragged 3 chunks.
    std::vector<Vec> tensors = {gaussian(1), gaussian(TENSOR_CHUNK), gaussian(2 * TENSOR_CHUNK + 7)};
    tensors[2][TENSOR_CHUNK + 3] = NAN;
    std::vector<TensorRef> table(tensors.size());
    int chunks = 0;
    for (size_t t = 0; t < tensors.size(); t++) {
        launch(tensor_ref_set_kernel, 1, 1, table.data(), (int) t, tensors[t].data(), (int) tensors[t].size());
        chunks += (tensors[t].size() + TENSOR_CHUNK - 1) / TENSOR_CHUNK;
    }
    Vec chunkPartials(chunks + 1);
    for (int kind = 0; kind < 3; kind++) {
        double expected = 0;
        for (const Vec& tensor : tensors)
            for (float v : tensor) expected += kind == 2 ? !std::isfinite(v) : std::isfinite(v) ? (kind == 0 ? v : (double) v * v) : 0;
        if (kind < 2) tensors[2][TENSOR_CHUNK + 3] = 0.f;  // sums are checked on finite data
        launch(multi_partial_sums_kernel, chunks, 256, chunkPartials.data(), table.data(), (int) tensors.size(), kind);
        launch(final_sum_kernel, 1, 256, chunkPartials.data() + chunks, chunkPartials.data(), chunks);
        check("multi-tensor reduction kind " + std::to_string(kind), {expected}, {chunkPartials[chunks]});
        tensors[2][TENSOR_CHUNK + 3] = NAN;
    }
}

static void transpose() {
    int rows = 45, cols = 77;
    Vec x = gaussian(rows * cols), y = gaussian(rows * cols), start = y;
    std::vector<double> e(rows * cols);
    for (int accumulate = 0; accumulate < 2; accumulate++) {
        y = start;
        launch(transpose_kernel, dim3(3, 2), dim3(32, 8), y.data(), x.data(), rows, cols, accumulate);
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++) e[c * rows + r] = x[r * cols + c] + (accumulate ? start[c * rows + r] : 0.0);
        check("transpose accumulate " + std::to_string(accumulate), e, y);
    }
}

// C (+)= op(A) op(B) for `batch` entries, from the contract in matmul.cu.
static std::vector<double> gemm_reference(int m, int n, int k, int batch, const Vec& a, int lda, long sa, bool ta,
                                          const Vec& b, int ldb, long sb, bool tb, const Vec& c, int ldc, long sc,
                                          bool accumulate) {
    std::vector<double> out = widen(c);
    for (int z = 0; z < batch; z++)
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) {
                double acc = 0;
                for (int p = 0; p < k; p++) {
                    double av = ta ? a[z * sa + (long) p * lda + i] : a[z * sa + (long) i * lda + p];
                    double bv = tb ? b[z * sb + (long) j * ldb + p] : b[z * sb + (long) p * ldb + j];
                    acc += av * bv;
                }
                long at = z * sc + (long) i * ldc + j;
                out[at] = acc + (accumulate ? c[at] : 0.0);
            }
    return out;
}

static void matmul() {
    int m = 67, n = 45, k = 130;
    for (int ta = 0; ta < 2; ta++)
        for (int tb = 0; tb < 2; tb++)
            for (int accumulate = 0; accumulate < 2; accumulate++) {
                Vec a = gaussian(m * k), b = gaussian(k * n), c = gaussian(m * n);
                int lda = ta ? m : k, ldb = tb ? k : n;
                auto e = gemm_reference(m, n, k, 1, a, lda, 0, ta, b, ldb, 0, tb, c, n, 0, accumulate);
                launch(sgemm_kernel, dim3(1, 2, 1), 256, m, n, k, a.data(), lda, 0L, ta, b.data(), ldb, 0L, tb,
                       c.data(), n, 0L, accumulate);
                check("sgemm transA " + std::to_string(ta) + " transB " + std::to_string(tb) + " acc " +
                              std::to_string(accumulate), e, c);
            }
    // Attention's scores: heads of [T, H * D] side by side (batch stride D), into [H, T, T].
    int t = 70, heads = 3, d = 8, width = heads * d;
    Vec q = gaussian(t * width), kk = gaussian(t * width), scores(heads * t * t);
    auto e = gemm_reference(t, t, d, heads, q, width, d, false, kk, width, d, true, scores, t, (long) t * t, false);
    launch(sgemm_kernel, dim3(2, 2, heads), 256, t, t, d, q.data(), width, (long) d, 0, kk.data(), width, (long) d, 1,
           scores.data(), t, (long) t * t, 0);
    check("sgemm batched, attention scores q k^T", e, scores);
}

static void conv() {
    // Grouped, strided, padded: im2col then col2im of a chunk in the middle.
    int groups = 2, inPerGroup = 3, cin = groups * inPerGroup, tin = 40, k = 4, stride = 2, padLeft = 2;
    int t0 = 3, width = 9, rows = inPerGroup * k;
    Vec x = gaussian(cin * tin), columns(groups * rows * width);
    std::vector<double> e(columns.size());
    for (int g = 0; g < groups; g++)
        for (int c = 0; c < inPerGroup; c++)
            for (int tap = 0; tap < k; tap++)
                for (int j = 0; j < width; j++) {
                    int at = (t0 + j) * stride + tap - padLeft;
                    e[(g * rows + c * k + tap) * width + j] = at >= 0 && at < tin ? x[(g * inPerGroup + c) * tin + at] : 0.0;
                }
    launch(im2col_kernel, 1, 256, columns.data(), x.data(), groups, inPerGroup, tin, k, stride, padLeft, t0, width);
    check("im2col", e, columns);
    Vec dx = gaussian(cin * tin), grads = gaussian(columns.size());
    std::vector<double> edx = widen(dx);
    for (int g = 0; g < groups; g++)
        for (int c = 0; c < inPerGroup; c++)
            for (int tap = 0; tap < k; tap++)
                for (int j = 0; j < width; j++) {
                    int at = (t0 + j) * stride + tap - padLeft;
                    if (at >= 0 && at < tin) edx[(g * inPerGroup + c) * tin + at] += grads[(g * rows + c * k + tap) * width + j];
                }
    launch(col2im_add_kernel, 1, 256, dx.data(), grads.data(), cin, inPerGroup, tin, k, stride, padLeft, t0, width);
    check("col2im_add", edx, dx);
}

static void bias_sums() {
    int rows = 13, cols = 70;
    Vec bias = gaussian(cols), out(rows * cols), x = gaussian(rows * cols), sums = gaussian(cols), start = sums;
    std::vector<double> e(rows * cols), es(cols);
    launch(broadcast_rows_kernel, 2, 256, out.data(), bias.data(), rows, cols);
    for (int i = 0; i < rows * cols; i++) e[i] = bias[i % cols];
    check("broadcast_rows", e, out);
    launch(column_sums_add_kernel, 3, dim3(32, 32), sums.data(), x.data(), rows, cols);
    for (int c = 0; c < cols; c++) {
        es[c] = start[c];
        for (int r = 0; r < rows; r++) es[c] += x[r * cols + c];
    }
    check("column_sums_add", es, sums);
    Vec rowBias = gaussian(rows), rowSums = gaussian(rows), rowStart = rowSums;
    launch(broadcast_columns_kernel, 2, 256, out.data(), rowBias.data(), rows, cols);
    for (int i = 0; i < rows * cols; i++) e[i] = rowBias[i / cols];
    check("broadcast_columns", e, out);
    launch(row_sums_add_kernel, 4, 64, rowSums.data(), x.data(), rows, cols);
    std::vector<double> er(rows);
    for (int r = 0; r < rows; r++) {
        er[r] = rowStart[r];
        for (int c = 0; c < cols; c++) er[r] += x[r * cols + c];
    }
    check("row_sums_add", er, rowSums);
}

// Normalises n values of x (with `stride` between channels' gamma) the way both norms do.
static void layernorm() {
    int rows = 11, c = 70;
    float eps = 1e-5f;
    Vec x = gaussian(rows * c), gamma = gaussian(c), beta = gaussian(c), y(rows * c), mean(rows), rstd(rows);
    Vec dy = gaussian(rows * c), dx = gaussian(rows * c), dg = gaussian(c), db = gaussian(c);
    Vec dx0 = dx, dg0 = dg, db0 = db;
    std::vector<double> ey(rows * c), emu(rows), ers(rows), edx = widen(dx0), edg = widen(dg0), edb = widen(db0);
    for (int r = 0; r < rows; r++) {
        double mu = 0, var = 0;
        for (int i = 0; i < c; i++) mu += x[r * c + i];
        mu /= c;
        for (int i = 0; i < c; i++) var += (x[r * c + i] - mu) * (x[r * c + i] - mu);
        double inv = 1 / std::sqrt(var / c + eps);
        emu[r] = mu;
        ers[r] = inv;
        double meanG = 0, meanGXhat = 0;
        for (int i = 0; i < c; i++) {
            double xhat = (x[r * c + i] - mu) * inv, g = dy[r * c + i] * gamma[i];
            ey[r * c + i] = xhat * gamma[i] + beta[i];
            meanG += g / c;
            meanGXhat += g * xhat / c;
            edg[i] += dy[r * c + i] * xhat;
            edb[i] += dy[r * c + i];
        }
        for (int i = 0; i < c; i++) {
            double xhat = (x[r * c + i] - mu) * inv;
            edx[r * c + i] += inv * (dy[r * c + i] * gamma[i] - meanG - xhat * meanGXhat);
        }
    }
    launch(layernorm_forward_kernel, 2, 256, y.data(), mean.data(), rstd.data(), x.data(), gamma.data(), beta.data(),
           rows, c, eps);
    check("layernorm forward y", ey, y);
    check("layernorm forward mean", emu, mean);
    check("layernorm forward rstd", ers, rstd);
    launch(layernorm_backward_dx_kernel, 2, 256, dx.data(), dy.data(), x.data(), mean.data(), rstd.data(),
           gamma.data(), rows, c);
    check("layernorm backward dx", edx, dx);
    launch(layernorm_backward_params_kernel, 3, dim3(32, 4), dg.data(), db.data(), dy.data(), x.data(), mean.data(),
           rstd.data(), rows, c);
    check("layernorm backward dgamma", edg, dg);
    check("layernorm backward dbeta", edb, db);
}

static void groupnorm() {
    int channels = 6, steps = 50, groups = 3, perGroup = channels / groups, n = perGroup * steps;
    float eps = 1e-5f;
    Vec x = gaussian(channels * steps), gamma = gaussian(channels), beta = gaussian(channels);
    Vec y(channels * steps), mean(groups), rstd(groups);
    Vec dy = gaussian(channels * steps), dx = gaussian(channels * steps), dg = gaussian(channels), db = gaussian(channels);
    std::vector<double> ey(y.size()), edx = widen(dx), edg = widen(dg), edb = widen(db);
    for (int g = 0; g < groups; g++) {
        const float* xg = &x[g * n];
        double mu = 0, var = 0;
        for (int i = 0; i < n; i++) mu += xg[i];
        mu /= n;
        for (int i = 0; i < n; i++) var += (xg[i] - mu) * (xg[i] - mu);
        double inv = 1 / std::sqrt(var / n + eps), meanG = 0, meanGXhat = 0;
        for (int i = 0; i < n; i++) {
            int ch = g * perGroup + i / steps, at = g * n + i;
            double xhat = (x[at] - mu) * inv;
            ey[at] = xhat * gamma[ch] + beta[ch];
            meanG += dy[at] * gamma[ch] / n;
            meanGXhat += dy[at] * gamma[ch] * xhat / n;
            edg[ch] += dy[at] * xhat;
            edb[ch] += dy[at];
        }
        for (int i = 0; i < n; i++) {
            int ch = g * perGroup + i / steps, at = g * n + i;
            edx[at] += inv * (dy[at] * gamma[ch] - meanG - (x[at] - mu) * inv * meanGXhat);
        }
    }
    launch(groupnorm_forward_kernel, groups, 64, y.data(), mean.data(), rstd.data(), x.data(), groups, perGroup,
           steps, gamma.data(), beta.data(), eps);
    check("groupnorm forward", ey, y);
    launch(groupnorm_backward_kernel, groups, 64, dx.data(), dg.data(), db.data(), dy.data(), x.data(), groups,
           perGroup, steps, mean.data(), rstd.data(), gamma.data());
    check("groupnorm backward dx", edx, dx);
    check("groupnorm backward dgamma", edg, dg);
    check("groupnorm backward dbeta", edb, db);
}

static void weightnorm() {
    int outer = 4, size = 5, inner = 3, n = outer * size * inner;
    Vec v = gaussian(n), g = gaussian(size), w(n), norms(size), dots(size);
    Vec dw = gaussian(n), dg = gaussian(size), dv = gaussian(n);
    std::vector<double> ew(n), edg = widen(dg), edv = widen(dv), en(size), ed(size);
    auto slice = [&](int i) { return i / inner % size; };
    for (int i = 0; i < n; i++) en[slice(i)] += (double) v[i] * v[i], ed[slice(i)] += (double) dw[i] * v[i];
    for (int d = 0; d < size; d++) en[d] = std::sqrt(en[d]), edg[d] += ed[d] / en[d];
    for (int i = 0; i < n; i++) {
        int d = slice(i);
        ew[i] = g[d] / en[d] * v[i];
        edv[i] += g[d] / en[d] * (dw[i] - v[i] * ed[d] / (en[d] * en[d]));
    }
    launch(weightnorm_slice_sums_kernel, size, 64, norms.data(), (float*) nullptr, (float*) nullptr, v.data(),
           (const float*) nullptr, outer, size, inner);
    launch(weightnorm_forward_kernel, 1, 64, w.data(), g.data(), v.data(), norms.data(), n, size, inner);
    check("weightnorm forward", ew, w);
    launch(weightnorm_slice_sums_kernel, size, 64, norms.data(), dots.data(), dg.data(), v.data(), dw.data(), outer,
           size, inner);
    launch(weightnorm_backward_dv_kernel, 1, 64, dv.data(), dw.data(), g.data(), v.data(), norms.data(), dots.data(),
           n, size, inner);
    check("weightnorm backward dg", edg, dg);
    check("weightnorm backward dv", edv, dv);
}

static void gelu() {
    int n = 500;
    Vec x = gaussian(n), y(n), dy = gaussian(n), dx = gaussian(n);
    std::vector<double> ey(n), edx = widen(dx);
    for (int i = 0; i < n; i++) {
        double v = x[i] * 2, cdf = 0.5 * (1 + std::erf(v / std::sqrt(2.0)));
        x[i] = (float) v;
        ey[i] = v * cdf;
        edx[i] += dy[i] * (cdf + v * std::exp(-v * v / 2) / std::sqrt(2 * M_PI));
    }
    launch(gelu_forward_kernel, 2, 256, y.data(), x.data(), n);
    check("gelu forward", ey, y);
    launch(gelu_backward_kernel, 2, 256, dx.data(), dy.data(), x.data(), n);
    check("gelu backward", edx, dx);
}

static void softmax() {
    int rows = 9, n = 70;
    float scale = 0.3f;
    Vec x = gaussian(rows * n), y(rows * n), dy = gaussian(rows * n), dx = gaussian(rows * n), logy(rows * n);
    std::vector<double> ey(y.size()), edx = widen(dx), ely(y.size()), eldx = widen(dx);
    for (int r = 0; r < rows; r++) {
        double max = -INFINITY, sum = 0, logSum = 0, dot = 0, total = 0;
        for (int i = 0; i < n; i++) max = std::max(max, (double) x[r * n + i]);
        for (int i = 0; i < n; i++) sum += std::exp((x[r * n + i] - max) * scale), logSum += std::exp(x[r * n + i] - max);
        for (int i = 0; i < n; i++) {
            ey[r * n + i] = std::exp((x[r * n + i] - max) * scale) / sum;
            ely[r * n + i] = x[r * n + i] - max - std::log(logSum);
            dot += dy[r * n + i] * ey[r * n + i];
            total += dy[r * n + i];
        }
        for (int i = 0; i < n; i++) {
            edx[r * n + i] += scale * ey[r * n + i] * (dy[r * n + i] - dot);
            eldx[r * n + i] += dy[r * n + i] - std::exp(ely[r * n + i]) * total;
        }
    }
    Vec in = x;  // forward in place, as attention does
    launch(softmax_forward_kernel, 2, 256, in.data(), in.data(), rows, n, scale);
    check("softmax forward (scaled, in place)", ey, in);
    Vec dxLog = dx;
    launch(softmax_backward_kernel, 2, 256, dx.data(), dy.data(), in.data(), rows, n, scale, 1);
    check("softmax backward (accumulate)", edx, dx);
    Vec inPlace = dy;
    launch(softmax_backward_kernel, 2, 256, inPlace.data(), inPlace.data(), in.data(), rows, n, scale, 0);
    std::vector<double> replaced(edx.size());
    for (size_t i = 0; i < replaced.size(); i++) replaced[i] = edx[i] - dxLog[i];
    check("softmax backward (in place)", replaced, inPlace);
    launch(log_softmax_forward_kernel, 2, 256, logy.data(), x.data(), rows, n);
    check("log_softmax forward", ely, logy);
    launch(log_softmax_backward_kernel, 2, 256, dxLog.data(), dy.data(), logy.data(), rows, n);
    check("log_softmax backward", eldx, dxLog);
}

// One AdamW step in double precision, the contract of adamw_update.
struct AdamWExpected {
    std::vector<double> param, m, v;
};

static AdamWExpected adamw_expected(const Vec& param, const Vec& grad, const Vec& m, const Vec& v, float lr,
                                    float beta1, float beta2, float eps, float decay, int step) {
    double stepSize = lr / (1 - std::pow(beta1, step)), correction = 1 / std::sqrt(1 - std::pow(beta2, step));
    AdamWExpected e{std::vector<double>(param.size()), std::vector<double>(param.size()), std::vector<double>(param.size())};
    for (size_t i = 0; i < param.size(); i++) {
        e.m[i] = beta1 * m[i] + (1 - beta1) * grad[i];
        e.v[i] = beta2 * v[i] + (1 - beta2) * (double) grad[i] * grad[i];
        e.param[i] = param[i] * (1 - lr * decay) - stepSize * e.m[i] / (std::sqrt(e.v[i]) * correction + eps);
    }
    return e;
}

static void adamw() {
    float lr = 1e-2f, beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f, decay = 0.01f;
    int step = 3;
    float stepSize = lr / (1 - std::pow(beta1, step)), correction = 1 / std::sqrt(1 - std::pow(beta2, step));
    // Tensors of 1, exactly one chunk, and several chunks with a ragged end: the single-tensor kernel
    // on the first, all of them in one multi-tensor launch.
    std::vector<int> sizes = {300, 1, TENSOR_CHUNK, 2 * TENSOR_CHUNK + 5};
    std::vector<Vec> param, grad, m, v;
    std::vector<AdamWExpected> expected;
    for (int n : sizes) {
        param.push_back(gaussian(n));
        grad.push_back(gaussian(n));
        m.push_back(gaussian(n));
        v.push_back(gaussian(n));
        for (float& x : v.back()) x = std::fabs(x);
        expected.push_back(adamw_expected(param.back(), grad.back(), m.back(), v.back(), lr, beta1, beta2, eps, decay, step));
    }
    launch(adamw_kernel, 2, 256, param[0].data(), grad[0].data(), m[0].data(), v[0].data(), sizes[0], beta1, beta2,
           eps, 1 - lr * decay, stepSize, correction);
    check("adamw param", expected[0].param, param[0]);
    check("adamw m", expected[0].m, m[0]);
    check("adamw v", expected[0].v, v[0]);

    int tensors = sizes.size() - 1, chunks = 0;
    std::vector<AdamWTensor> table(tensors);
    for (int t = 0; t < tensors; t++) {
        int i = t + 1;
        launch(adamw_table_set_kernel, 1, 1, table.data(), t, param[i].data(), grad[i].data(), m[i].data(),
               v[i].data(), sizes[i]);
        chunks += (sizes[i] + TENSOR_CHUNK - 1) / TENSOR_CHUNK;
    }
    launch(adamw_multi_kernel, chunks, 256, table.data(), tensors, beta1, beta2, eps, 1 - lr * decay, stepSize,
           correction);
    for (int i = 1; i <= tensors; i++) {
        std::string name = "adamw_multi tensor of " + std::to_string(sizes[i]);
        check(name + " param", expected[i].param, param[i]);
        check(name + " m", expected[i].m, m[i]);
        check(name + " v", expected[i].v, v[i]);
    }
}

int main() {
    elementwise();
    reductions();
    transpose();
    matmul();
    conv();
    bias_sums();
    layernorm();
    groupnorm();
    weightnorm();
    gelu();
    softmax();
    adamw();
    std::printf(failures == 0 ? "all kernels match on the host\n" : "%d check(s) FAIL\n", failures);
    return failures == 0 ? 0 : 1;
}
