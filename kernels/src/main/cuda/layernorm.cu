// Layer norm over the last dimension of x [N, C].
// Forward and dx: one warp per row (rows are a few hundred channels wide in wav2vec2), the
// row's sums reduced with shuffles. dgamma and dbeta: column sums over the rows, see below.
#include "common.cuh"

extern "C" __global__ void layernorm_forward_kernel(float* y, float* mean, float* rstd, const float* x,
                                                    const float* gamma, const float* beta, int rows, int c, float eps) {
    int lane = threadIdx.x % WARP;
    int r = (blockIdx.x * blockDim.x + threadIdx.x) / WARP;
    if (r >= rows) return;
    const float* xr = x + (long) r * c;
    float s = 0.f;
    for (int i = lane; i < c; i += WARP) s += xr[i];
    float mu = warp_sum(s) / c;
    float ss = 0.f;  // two passes: sum of squared deviations is stabler than E[x^2] - mu^2
    for (int i = lane; i < c; i += WARP) {
        float d = xr[i] - mu;
        ss += d * d;
    }
    float inv = rsqrtf(warp_sum(ss) / c + eps);
    float* yr = y + (long) r * c;
    for (int i = lane; i < c; i += WARP) yr[i] = (xr[i] - mu) * inv * gamma[i] + beta[i];
    if (lane == 0) {
        mean[r] = mu;
        rstd[r] = inv;
    }
}

// The residual add fused in front: sum = a + b (sum may be a or b: each element is read before it is written,
// by the same lane), then the forward above on sum.
extern "C" __global__ void add_layernorm_forward_kernel(float* sum, float* y, float* mean, float* rstd,
                                                        const float* a, const float* b, const float* gamma,
                                                        const float* beta, int rows, int c, float eps) {
    int lane = threadIdx.x % WARP;
    int r = (blockIdx.x * blockDim.x + threadIdx.x) / WARP;
    if (r >= rows) return;
    long off = (long) r * c;
    float s = 0.f;
    for (int i = lane; i < c; i += WARP) {
        float v = a[off + i] + b[off + i];
        sum[off + i] = v;
        s += v;
    }
    float mu = warp_sum(s) / c;
    float ss = 0.f;
    for (int i = lane; i < c; i += WARP) {
        float d = sum[off + i] - mu;
        ss += d * d;
    }
    float inv = rsqrtf(warp_sum(ss) / c + eps);
    for (int i = lane; i < c; i += WARP) y[off + i] = (sum[off + i] - mu) * inv * gamma[i] + beta[i];
    if (lane == 0) {
        mean[r] = mu;
        rstd[r] = inv;
    }
}

// dx += rstd * (g - mean(g) - xhat * mean(g * xhat)), g = dy * gamma, xhat = (x - mean) * rstd.
extern "C" __global__ void layernorm_backward_dx_kernel(float* dx, const float* dy, const float* x, const float* mean,
                                                        const float* rstd, const float* gamma, int rows, int c) {
    int lane = threadIdx.x % WARP;
    int r = (blockIdx.x * blockDim.x + threadIdx.x) / WARP;
    if (r >= rows) return;
    const float* xr = x + (long) r * c;
    const float* dyr = dy + (long) r * c;
    float mu = mean[r], inv = rstd[r];
    float sumG = 0.f, sumGXhat = 0.f;
    for (int i = lane; i < c; i += WARP) {
        float g = dyr[i] * gamma[i];
        sumG += g;
        sumGXhat += g * (xr[i] - mu) * inv;
    }
    float meanG = warp_sum(sumG) / c, meanGXhat = warp_sum(sumGXhat) / c;
    float* dxr = dx + (long) r * c;
    for (int i = lane; i < c; i += WARP) {
        float xhat = (xr[i] - mu) * inv;
        dxr[i] += inv * (dyr[i] * gamma[i] - meanG - xhat * meanGXhat);
    }
}

// dgamma[i] += sum_r dy[r, i] * xhat[r, i]; dbeta[i] += sum_r dy[r, i]. Either may be null.
// A block of 32 x blockDim.y threads (at most 32 x 32) per 32 channels: threadIdx.x picks the
// channel, so a warp reads 32 adjacent floats of a row, threadIdx.y strides over the rows; the
// partial sums of each channel are then added in shared memory in a fixed order.
extern "C" __global__ void layernorm_backward_params_kernel(float* dgamma, float* dbeta, const float* dy, const float* x,
                                                            const float* mean, const float* rstd, int rows, int c) {
    __shared__ float dgPartial[32][33], dbPartial[32][33];
    int i = blockIdx.x * WARP + threadIdx.x;
    float dg = 0.f, db = 0.f;
    if (i < c) {
        for (int r = threadIdx.y; r < rows; r += blockDim.y) {
            float g = dy[(long) r * c + i];
            dg += g * (x[(long) r * c + i] - mean[r]) * rstd[r];
            db += g;
        }
    }
    dgPartial[threadIdx.y][threadIdx.x] = dg;
    dbPartial[threadIdx.y][threadIdx.x] = db;
    __syncthreads();
    if (threadIdx.y == 0 && i < c) {
        for (int k = 1; k < (int) blockDim.y; k++) {
            dg += dgPartial[k][threadIdx.x];
            db += dbPartial[k][threadIdx.x];
        }
        if (dgamma) dgamma[i] += dg;
        if (dbeta) dbeta[i] += db;
    }
}

// Channel-major layer norm: x [C, T], each time step's C channels normalised (the lv60 feature encoder's
// norm, without transposing to [T, C] and back). One thread per time step for the statistics and dx, so a
// warp reads 32 adjacent steps of a channel row; one warp per channel for dgamma and dbeta (row sums).

extern "C" __global__ void layernorm_channels_forward_kernel(float* y, float* mean, float* rstd, const float* x,
                                                             const float* gamma, const float* beta, int c, int steps,
                                                             float eps) {
    for (int t = blockIdx.x * blockDim.x + threadIdx.x; t < steps; t += gridDim.x * blockDim.x) {
        float s = 0.f;
        for (int ch = 0; ch < c; ch++) s += x[(long) ch * steps + t];
        float mu = s / c;
        float ss = 0.f;
        for (int ch = 0; ch < c; ch++) {
            float d = x[(long) ch * steps + t] - mu;
            ss += d * d;
        }
        float inv = rsqrtf(ss / c + eps);
        for (int ch = 0; ch < c; ch++) {
            long i = (long) ch * steps + t;
            y[i] = (x[i] - mu) * inv * gamma[ch] + beta[ch];
        }
        mean[t] = mu;
        rstd[t] = inv;
    }
}

extern "C" __global__ void layernorm_channels_backward_dx_kernel(float* dx, const float* dy, const float* x,
                                                                 const float* mean, const float* rstd,
                                                                 const float* gamma, int c, int steps) {
    for (int t = blockIdx.x * blockDim.x + threadIdx.x; t < steps; t += gridDim.x * blockDim.x) {
        float mu = mean[t], inv = rstd[t];
        float sumG = 0.f, sumGXhat = 0.f;
        for (int ch = 0; ch < c; ch++) {
            long i = (long) ch * steps + t;
            float g = dy[i] * gamma[ch];
            sumG += g;
            sumGXhat += g * (x[i] - mu) * inv;
        }
        float meanG = sumG / c, meanGXhat = sumGXhat / c;
        for (int ch = 0; ch < c; ch++) {
            long i = (long) ch * steps + t;
            float xhat = (x[i] - mu) * inv;
            dx[i] += inv * (dy[i] * gamma[ch] - meanG - xhat * meanGXhat);
        }
    }
}

// dgamma[ch] += sum_t dy[ch, t] * xhat[ch, t]; dbeta[ch] += sum_t dy[ch, t]. Either may be null.
extern "C" __global__ void layernorm_channels_backward_params_kernel(float* dgamma, float* dbeta, const float* dy,
                                                                     const float* x, const float* mean,
                                                                     const float* rstd, int c, int steps) {
    int lane = threadIdx.x % WARP;
    int ch = (blockIdx.x * blockDim.x + threadIdx.x) / WARP;
    if (ch >= c) return;
    const float* dyr = dy + (long) ch * steps;
    const float* xr = x + (long) ch * steps;
    float dg = 0.f, db = 0.f;
    for (int t = lane; t < steps; t += WARP) {
        dg += dyr[t] * (xr[t] - mean[t]) * rstd[t];
        db += dyr[t];
    }
    dg = warp_sum(dg);
    db = warp_sum(db);
    if (lane == 0) {
        if (dgamma) dgamma[ch] += dg;
        if (dbeta) dbeta[ch] += db;
    }
}
