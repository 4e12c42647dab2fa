// One AdamW step (PyTorch's order: decay the parameter, update the moments, then step), one
// thread per element. The bias corrections are computed once on the host.
#include "common.cuh"

extern "C" __global__ void adamw_kernel(float* param, const float* grad, float* m, float* v, int n, float beta1,
                                        float beta2, float eps, float decay, float stepSize,
                                        float invSqrtCorrection2) {
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) {
        float g = grad[i];
        float mNew = beta1 * m[i] + (1.f - beta1) * g;
        float vNew = beta2 * v[i] + (1.f - beta2) * g * g;
        float denom = sqrtf(vNew) * invSqrtCorrection2 + eps;
        param[i] = param[i] * decay - stepSize * (mNew / denom);
        m[i] = mNew;
        v[i] = vNew;
    }
}
