// AdamW (PyTorch's order: decay the parameter, update the moments, then step). The bias
// corrections are computed once on the host. adamw_kernel updates one tensor, one thread per
// element; adamw_multi_kernel updates every trainable tensor of a model in one launch, reading
// the tensors from a table the host fills once (adamw_table_set_kernel) and reuses every step.
#include "common.cuh"

__device__ __forceinline__ void adamw_update(float* param, const float* grad, float* m, float* v, long long i,
                                             float beta1, float beta2, float eps, float decay, float stepSize,
                                             float invSqrtCorrection2) {
    float g = grad[i];
    float mNew = beta1 * m[i] + (1.f - beta1) * g;
    float vNew = beta2 * v[i] + (1.f - beta2) * g * g;
    float denom = sqrtf(vNew) * invSqrtCorrection2 + eps;
    param[i] = param[i] * decay - stepSize * (mNew / denom);
    m[i] = mNew;
    v[i] = vNew;
}

extern "C" __global__ void adamw_kernel(float* param, const float* grad, float* m, float* v, int n, float beta1,
                                        float beta2, float eps, float decay, float stepSize,
                                        float invSqrtCorrection2) {
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) {
        adamw_update(param, grad, m, v, i, beta1, beta2, eps, decay, stepSize, invSqrtCorrection2);
    }
}

// One row of the table: a parameter, its gradient and moments, and their element count.
struct AdamWTensor {
    float* param;
    const float* grad;
    float* m;
    float* v;
    long long size;
};

// table[index] = the given tensors. Launched with one thread; the pointers stay on the device.
extern "C" __global__ void adamw_table_set_kernel(AdamWTensor* table, int index, float* param, const float* grad,
                                                  float* m, float* v, int size) {
    table[index] = AdamWTensor{param, grad, m, v, size};
}

// Block b updates the b-th chunk of the tensors (chunk_owner in common.cuh).
extern "C" __global__ void adamw_multi_kernel(const AdamWTensor* table, int tensors, float beta1, float beta2,
                                              float eps, float decay, float stepSize, float invSqrtCorrection2) {
    long long chunk = blockIdx.x;
    int t = chunk_owner(table, tensors, &chunk);
    if (t == tensors) return;
    AdamWTensor e = table[t];
    long long end = min((chunk + 1) * TENSOR_CHUNK, e.size);
    for (long long i = chunk * TENSOR_CHUNK + threadIdx.x; i < end; i += blockDim.x) {
        adamw_update(e.param, e.grad, e.m, e.v, i, beta1, beta2, eps, decay, stepSize, invSqrtCorrection2);
    }
}
