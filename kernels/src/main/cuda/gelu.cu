// Exact GELU, x * Phi(x) with Phi the standard normal CDF through erf; one thread per element.
#include "common.cuh"

#define SQRT_HALF 0.70710678118654752f
#define INV_SQRT_2PI 0.39894228040143268f

extern "C" __global__ void gelu_forward_kernel(float* y, const float* x, int n) {
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) {
        float v = x[i];
        y[i] = 0.5f * v * (1.f + erff(v * SQRT_HALF));
    }
}

// dx += dy * (Phi(x) + x phi(x)), phi the standard normal density.
extern "C" __global__ void gelu_backward_kernel(float* dx, const float* dy, const float* x, int n) {
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) {
        float v = x[i];
        float cdf = 0.5f * (1.f + erff(v * SQRT_HALF));
        float pdf = expf(-0.5f * v * v) * INV_SQRT_2PI;
        dx[i] += dy[i] * (cdf + v * pdf);
    }
}
