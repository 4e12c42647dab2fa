// Softmax and log-softmax over the last dimension, one warp per row (CTC rows are the vocabulary,
// attention rows the T key steps). Attention uses the scaled forms on its [H, T, T] scores:
// probs = softmax(scale * q k^T) and, in place, dS = scale * softmax'(dout v^T), so it needs no
// kernel of its own beyond these and matmul.cu.
#include <math_constants.h>
#include "common.cuh"

// y = softmax(scale * x) per row; y may be x.
extern "C" __global__ void softmax_forward_kernel(float* y, const float* x, int rows, int n, float scale) {
    int lane = threadIdx.x % WARP;
    int r = (blockIdx.x * blockDim.x + threadIdx.x) / WARP;
    if (r >= rows) return;
    const float* xr = x + (long) r * n;
    float* yr = y + (long) r * n;
    float max = -CUDART_INF_F;
    for (int i = lane; i < n; i += WARP) max = fmaxf(max, xr[i]);
    max = warp_max(max);
    float sum = 0.f;
    for (int i = lane; i < n; i += WARP) {
        float e = expf((xr[i] - max) * scale);
        yr[i] = e;
        sum += e;
    }
    float inv = 1.f / warp_sum(sum);
    for (int i = lane; i < n; i += WARP) yr[i] *= inv;
}

// dx (+)= scale * y * (dy - <dy, y>) per row, from the output y. With accumulate == 0, dx may be dy.
extern "C" __global__ void softmax_backward_kernel(float* dx, const float* dy, const float* y, int rows, int n,
                                                   float scale, int accumulate) {
    int lane = threadIdx.x % WARP;
    int r = (blockIdx.x * blockDim.x + threadIdx.x) / WARP;
    if (r >= rows) return;
    long off = (long) r * n;
    float dot = 0.f;
    for (int i = lane; i < n; i += WARP) dot += dy[off + i] * y[off + i];
    dot = warp_sum(dot);
    for (int i = lane; i < n; i += WARP) {
        float g = (dy[off + i] - dot) * y[off + i] * scale;
        dx[off + i] = accumulate ? dx[off + i] + g : g;
    }
}

// y = x - max - log(sum(exp(x - max))) per row.
extern "C" __global__ void log_softmax_forward_kernel(float* y, const float* x, int rows, int n) {
    int lane = threadIdx.x % WARP;
    int r = (blockIdx.x * blockDim.x + threadIdx.x) / WARP;
    if (r >= rows) return;
    long off = (long) r * n;
    float max = -CUDART_INF_F;
    for (int i = lane; i < n; i += WARP) max = fmaxf(max, x[off + i]);
    max = warp_max(max);
    float sum = 0.f;
    for (int i = lane; i < n; i += WARP) sum += expf(x[off + i] - max);
    float shift = max + logf(warp_sum(sum));
    for (int i = lane; i < n; i += WARP) y[off + i] = x[off + i] - shift;
}

// dx += dy - exp(y) * sum(dy) per row, from the output y.
extern "C" __global__ void log_softmax_backward_kernel(float* dx, const float* dy, const float* y, int rows, int n) {
    int lane = threadIdx.x % WARP;
    int r = (blockIdx.x * blockDim.x + threadIdx.x) / WARP;
    if (r >= rows) return;
    long off = (long) r * n;
    float total = 0.f;
    for (int i = lane; i < n; i += WARP) total += dy[off + i];
    total = warp_sum(total);
    for (int i = lane; i < n; i += WARP) dx[off + i] += dy[off + i] - expf(y[off + i]) * total;
}
