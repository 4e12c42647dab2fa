// SUTA's unsupervised loss on logits z [T, C] and its gradient, on the device so that a SUTA step never
// waits for the host (kernels/loss/SutaLoss.java is the definition and the CPU reference):
//   p_t = softmax(z_t / temperature), H_t its entropy;
//   EM  = mean of H_t over the frames whose argmax of z is not blank (all frames when em_non_blank is off);
//   MCC = (C - sum_c A_cc / s_c) / mcc_classes with s_c = sum_t w_t p_tc, A_cc = sum_t w_t p_tc^2 and the
//         detached frame weights w_t = 1 + exp(-H_t) (or 1), rescaled to average 1;
//   total = em_coef EM + (1 - em_coef) MCC.
// Three launches: per-frame softmax, entropy and argmax (one warp per frame); the sums over frames (one
// block); the gradient (one warp per frame). Scratch, laid out by the caller: p [T, C], then per frame
// lse, H, non-blank (1 or 0), w, then s [C], A [C] and the EM scale em_coef / (EM frames).
#include <math_constants.h>
#include "common.cuh"

extern "C" __global__ void suta_loss_frames_kernel(float* p, float* lse, float* entropy, float* nonBlank,
                                                   const float* logits, int frames, int classes, float invTemperature,
                                                   int blankId) {
    int lane = threadIdx.x % WARP;
    int t = (blockIdx.x * blockDim.x + threadIdx.x) / WARP;
    if (t >= frames) return;
    const float* z = logits + (long) t * classes;
    float max = -CUDART_INF_F, best = -CUDART_INF_F;
    int bestId = classes;
    for (int c = lane; c < classes; c += WARP) {
        max = fmaxf(max, z[c] * invTemperature);
        if (z[c] > best) {  // classes rise along a lane: the first of equals stays
            best = z[c];
            bestId = c;
        }
    }
    max = warp_max(max);
    for (int offset = WARP / 2; offset > 0; offset /= 2) {  // argmax of the raw logits, lowest id on ties
        float otherBest = __shfl_xor_sync(FULL_MASK, best, offset);
        int otherId = __shfl_xor_sync(FULL_MASK, bestId, offset);
        if (otherBest > best || (otherBest == best && otherId < bestId)) {
            best = otherBest;
            bestId = otherId;
        }
    }
    float sum = 0.f;
    for (int c = lane; c < classes; c += WARP) sum += expf(z[c] * invTemperature - max);
    float logNorm = max + logf(warp_sum(sum));
    float h = 0.f;
    for (int c = lane; c < classes; c += WARP) {
        float logP = z[c] * invTemperature - logNorm;
        float pc = expf(logP);
        p[(long) t * classes + c] = pc;
        h -= pc * logP;
    }
    h = warp_sum(h);
    if (lane == 0) {
        lse[t] = logNorm;
        entropy[t] = h;
        nonBlank[t] = bestId != blankId ? 1.f : 0.f;
    }
}

// One block: the sums over frames, the frame weights, the class sums, and stats = {EM, MCC, total,
// collapsed, mean entropy}.
extern "C" __global__ void suta_loss_stats_kernel(float* stats, float* weight, float* classSums, const float* p,
                                                  const float* entropy, const float* nonBlank, int frames, int classes,
                                                  float emCoef, int emNonBlankOnly, int mccReweight, int mccClasses) {
    __shared__ float scratch[32];
    float emCount = 0.f, emSum = 0.f, entropySum = 0.f, nonBlankCount = 0.f, weightSum = 0.f;
    for (int t = threadIdx.x; t < frames; t += blockDim.x) {
        float inEm = emNonBlankOnly ? nonBlank[t] : 1.f;
        emCount += inEm;
        emSum += inEm * entropy[t];
        entropySum += entropy[t];
        nonBlankCount += nonBlank[t];
        weightSum += mccReweight ? 1.f + expf(-entropy[t]) : 1.f;
    }
    emCount = block_sum(emCount, scratch);
    emSum = block_sum(emSum, scratch);
    entropySum = block_sum(entropySum, scratch);
    nonBlankCount = block_sum(nonBlankCount, scratch);
    weightSum = block_sum(weightSum, scratch);
    for (int t = threadIdx.x; t < frames; t += blockDim.x) {
        weight[t] = (mccReweight ? 1.f + expf(-entropy[t]) : 1.f) * frames / weightSum;
    }
    __syncthreads();  // every thread reads every frame's weight below
    float normalisedTrace = 0.f;
    for (int c = 0; c < classes; c++) {
        float rowSum = 0.f, diagonal = 0.f;
        for (int t = threadIdx.x; t < frames; t += blockDim.x) {
            float wp = weight[t] * p[(long) t * classes + c];
            rowSum += wp;
            diagonal += wp * p[(long) t * classes + c];
        }
        rowSum = block_sum(rowSum, scratch);
        diagonal = block_sum(diagonal, scratch);
        normalisedTrace += diagonal / rowSum;
        if (threadIdx.x == 0) {
            classSums[c] = rowSum;
            classSums[classes + c] = diagonal;
        }
    }
    if (threadIdx.x == 0) {
        float em = emCount > 0.f ? emSum / emCount : 0.f;
        float mcc = (classes - normalisedTrace) / mccClasses;
        classSums[2 * classes] = emCount > 0.f ? emCoef / emCount : 0.f;
        stats[0] = em;
        stats[1] = mcc;
        stats[2] = emCoef * em + (1.f - emCoef) * mcc;
        stats[3] = nonBlankCount == 0.f ? 1.f : 0.f;
        stats[4] = entropySum / frames;
    }
}

// dLoss/dp_tc = -emScale (log p_tc + 1) [frame in EM] - (1 - em_coef) / mcc_classes * w_t (2 p_tc / s_c - A_cc / s_c^2),
// then through the softmax: dz_tc = p_tc (dLoss/dp_tc - sum_c' p_tc' dLoss/dp_tc') / temperature.
extern "C" __global__ void suta_loss_grad_kernel(float* dLogits, const float* logits, const float* p, const float* lse,
                                                 const float* nonBlank, const float* weight, const float* classSums,
                                                 int frames, int classes, float invTemperature, float emCoef,
                                                 int emNonBlankOnly, int mccClasses) {
    int lane = threadIdx.x % WARP;
    int t = (blockIdx.x * blockDim.x + threadIdx.x) / WARP;
    if (t >= frames) return;
    long row = (long) t * classes;
    float emScale = (!emNonBlankOnly || nonBlank[t] != 0.f) ? classSums[2 * classes] : 0.f;
    float mccScale = (1.f - emCoef) / mccClasses * weight[t];
    float dot = 0.f;
    for (int c = lane; c < classes; c += WARP) {
        float pc = p[row + c], s = classSums[c], a = classSums[classes + c];
        float logP = logits[row + c] * invTemperature - lse[t];
        float g = -emScale * (logP + 1.f) - mccScale * (2.f * pc / s - a / (s * s));
        dLogits[row + c] = g;  // dLoss/dp for now; this lane alone reads it back below
        dot += pc * g;
    }
    dot = warp_sum(dot);
    for (int c = lane; c < classes; c += WARP) {
        dLogits[row + c] = invTemperature * p[row + c] * (dLogits[row + c] - dot);
    }
}
