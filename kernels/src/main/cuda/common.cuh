// Shared helpers of the tta-stream CUDA kernels: warp and block reductions.
// Every kernel is extern "C" so the Java side finds it by its plain name in the PTX.
#pragma once

#define WARP 32
#define FULL_MASK 0xffffffffu

__device__ __forceinline__ float warp_sum(float v) {
    for (int offset = WARP / 2; offset > 0; offset /= 2) {
        v += __shfl_xor_sync(FULL_MASK, v, offset);
    }
    return v;
}

__device__ __forceinline__ float warp_max(float v) {
    for (int offset = WARP / 2; offset > 0; offset /= 2) {
        v = fmaxf(v, __shfl_xor_sync(FULL_MASK, v, offset));
    }
    return v;
}

// Sum over the whole block (blockDim.x a multiple of 32, at most 1024); every thread gets the
// result. `scratch` is 32 floats of shared memory; the function may be called repeatedly.
__device__ __forceinline__ float block_sum(float v, float* scratch) {
    int lane = threadIdx.x % WARP, warp = threadIdx.x / WARP, warps = blockDim.x / WARP;
    v = warp_sum(v);
    __syncthreads();  // scratch may still be read by a previous call
    if (lane == 0) scratch[warp] = v;
    __syncthreads();
    v = lane < warps ? scratch[lane] : 0.f;
    return warp_sum(v);
}

// Multi-tensor kernels give each block one chunk of TENSOR_CHUNK elements of one tensor, the tensors
// laid end to end with each starting on a chunk boundary; the grid is the sum of ceil(size / TENSOR_CHUNK).
// The tensors come from a device-side table whose rows have a `size` field; this finds the row that
// owns `*chunk` and turns `*chunk` into the chunk's index within that tensor (rows when none does).
#define TENSOR_CHUNK 2048

template <class Row>
__device__ __forceinline__ int chunk_owner(const Row* table, int rows, long long* chunk) {
    for (int t = 0; t < rows; t++) {
        long long chunks = (table[t].size + TENSOR_CHUNK - 1) / TENSOR_CHUNK;
        if (*chunk < chunks) return t;
        *chunk -= chunks;
    }
    return rows;
}
