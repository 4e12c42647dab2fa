// Group norm of x [C, T]: each group's statistics span its C / groups channels and all T steps
// (wav2vec2's first conv layer normalises every channel on its own: groups == C).
// One block per group; the block reduces the group's (or channel's) sums in shared memory.
#include "common.cuh"

extern "C" __global__ void groupnorm_forward_kernel(float* y, float* mean, float* rstd, const float* x, int groups,
                                                    int perGroup, int steps, const float* gamma, const float* beta,
                                                    float eps) {
    __shared__ float scratch[32];
    int g = blockIdx.x;
    long n = (long) perGroup * steps, off = g * n;
    float s = 0.f;
    for (long i = threadIdx.x; i < n; i += blockDim.x) s += x[off + i];
    float mu = block_sum(s, scratch) / n;
    float ss = 0.f;
    for (long i = threadIdx.x; i < n; i += blockDim.x) {
        float d = x[off + i] - mu;
        ss += d * d;
    }
    float inv = rsqrtf(block_sum(ss, scratch) / n + eps);
    for (long i = threadIdx.x; i < n; i += blockDim.x) {
        int ch = g * perGroup + (int) (i / steps);
        y[off + i] = (x[off + i] - mu) * inv * gamma[ch] + beta[ch];
    }
    if (threadIdx.x == 0) {
        mean[g] = mu;
        rstd[g] = inv;
    }
}

// Per group: per-channel sums of dy and dy * xhat give dbeta and dgamma; their gamma-weighted
// totals give the two means of the dx formula, which is layer norm's with per-channel gamma.
// dx, dgamma, dbeta may each be null.
extern "C" __global__ void groupnorm_backward_kernel(float* dx, float* dgamma, float* dbeta, const float* dy,
                                                     const float* x, int groups, int perGroup, int steps,
                                                     const float* mean, const float* rstd, const float* gamma) {
    __shared__ float scratch[32];
    int g = blockIdx.x;
    float mu = mean[g], inv = rstd[g];
    float sumG = 0.f, sumGXhat = 0.f;  // the same in every thread: block_sum broadcasts
    for (int c = 0; c < perGroup; c++) {
        int ch = g * perGroup + c;
        long rowOff = (long) ch * steps;
        float sDy = 0.f, sDyXhat = 0.f;
        for (int t = threadIdx.x; t < steps; t += blockDim.x) {
            float d = dy[rowOff + t];
            sDy += d;
            sDyXhat += d * (x[rowOff + t] - mu) * inv;
        }
        sDy = block_sum(sDy, scratch);
        sDyXhat = block_sum(sDyXhat, scratch);
        sumG += gamma[ch] * sDy;
        sumGXhat += gamma[ch] * sDyXhat;
        if (threadIdx.x == 0) {
            if (dgamma) dgamma[ch] += sDyXhat;
            if (dbeta) dbeta[ch] += sDy;
        }
    }
    if (!dx) return;
    long n = (long) perGroup * steps, off = g * n;
    float meanG = sumG / n, meanGXhat = sumGXhat / n;
    for (long i = threadIdx.x; i < n; i += blockDim.x) {
        int ch = g * perGroup + (int) (i / steps);
        float xhat = (x[off + i] - mu) * inv;
        dx[off + i] += inv * (dy[off + i] * gamma[ch] - meanG - xhat * meanGXhat);
    }
}
