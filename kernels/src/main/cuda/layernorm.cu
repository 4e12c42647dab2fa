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
