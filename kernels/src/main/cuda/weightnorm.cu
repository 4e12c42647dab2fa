// Weight norm w = g * v / ||v||, the norm per slice along the kept dimension `dim`: v is viewed
// as [outer, size, inner] and slice d is every element with index d along the middle axis
// (wav2vec2's positional conv keeps dim 2: outer = 768 * 48, size = 128, inner = 1).
// Slice sums: one block per slice. The elementwise parts: one thread per element.
#include "common.cuh"

// norms[d] = ||v_d||; when dw is given also dots[d] = <dw_d, v_d> and, when dg is given,
// dg[d] += dots[d] / norms[d].
extern "C" __global__ void weightnorm_slice_sums_kernel(float* norms, float* dots, float* dg, const float* v,
                                                        const float* dw, int outer, int size, int inner) {
    __shared__ float scratch[32];
    int d = blockIdx.x;
    long count = (long) outer * inner;
    float sq = 0.f, dot = 0.f;
    for (long e = threadIdx.x; e < count; e += blockDim.x) {
        long index = ((e / inner) * size + d) * inner + e % inner;
        float vi = v[index];
        sq += vi * vi;
        if (dw) dot += dw[index] * vi;
    }
    float norm = sqrtf(block_sum(sq, scratch));
    dot = block_sum(dot, scratch);
    if (threadIdx.x == 0) {
        norms[d] = norm;
        if (dw) dots[d] = dot;
        if (dw && dg) dg[d] += dot / norm;
    }
}

extern "C" __global__ void weightnorm_forward_kernel(float* w, const float* g, const float* v, const float* norms,
                                                     int n, int size, int inner) {
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) {
        int d = (i / inner) % size;
        w[i] = g[d] / norms[d] * v[i];
    }
}

// dv += (g / n) (dw - v <dw, v> / n^2), per slice.
extern "C" __global__ void weightnorm_backward_dv_kernel(float* dv, const float* dw, const float* g, const float* v,
                                                         const float* norms, const float* dots, int n, int size,
                                                         int inner) {
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) {
        int d = (i / inner) % size;
        float norm = norms[d];
        dv[i] += g[d] / norm * (dw[i] - v[i] * dots[d] / (norm * norm));
    }
}
