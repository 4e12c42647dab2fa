// Elementwise ops, transpose and whole-tensor reductions.
// Elementwise kernels: one thread per element in a grid-stride loop, so any grid size covers n.
// Reductions: two launches; each block folds a grid-stride slice into one partial, then one block
// adds the partials in double, so the result does not depend on a racing order of atomics.
#include "common.cuh"

extern "C" __global__ void add_kernel(float* out, const float* a, const float* b, int n) {
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) {
        out[i] = a[i] + b[i];
    }
}

extern "C" __global__ void axpy_kernel(float* y, float alpha, const float* x, int n) {
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) {
        y[i] += alpha * x[i];
    }
}

extern "C" __global__ void scale_kernel(float* out, const float* x, float alpha, int n) {
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) {
        out[i] = alpha * x[i];
    }
}

extern "C" __global__ void mul_kernel(float* out, const float* a, const float* b, int n) {
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) {
        out[i] = a[i] * b[i];
    }
}

// Reduction kinds of partial_sums_kernel.
#define REDUCE_SUM 0
#define REDUCE_SUM_OF_SQUARES 1
#define REDUCE_NON_FINITE_COUNT 2

// What one element adds to a reduction of the given kind.
__device__ __forceinline__ float reduction_term(float v, int kind) {
    return kind == REDUCE_SUM ? v : kind == REDUCE_SUM_OF_SQUARES ? v * v : (isfinite(v) ? 0.f : 1.f);
}

// partials[blockIdx.x] = the block's share of sum(x), sum(x^2) or the count of NaN/inf elements.
extern "C" __global__ void partial_sums_kernel(float* partials, const float* x, int n, int kind) {
    __shared__ float scratch[32];
    float acc = 0.f;
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) {
        acc += reduction_term(x[i], kind);
    }
    acc = block_sum(acc, scratch);
    if (threadIdx.x == 0) partials[blockIdx.x] = acc;
}

// One row of a table of tensors to reduce together: the data and its element count.
struct TensorRef {
    const float* data;
    long long size;
};

// table[index] = the given tensor. Launched with one thread; the pointer stays on the device.
extern "C" __global__ void tensor_ref_set_kernel(TensorRef* table, int index, const float* data, int size) {
    table[index] = TensorRef{data, size};
}

// partials[blockIdx.x] = one chunk's share (chunk_owner in common.cuh) of the reduction over every
// tensor of the table; final_sum_kernel then adds the partials, one per chunk.
extern "C" __global__ void multi_partial_sums_kernel(float* partials, const TensorRef* table, int tensors, int kind) {
    __shared__ float scratch[32];
    long long chunk = blockIdx.x;
    int t = chunk_owner(table, tensors, &chunk);
    float acc = 0.f;
    if (t < tensors) {  // no early return: every thread of the block takes part in block_sum
        TensorRef e = table[t];
        long long end = min((chunk + 1) * TENSOR_CHUNK, e.size);
        for (long long i = chunk * TENSOR_CHUNK + threadIdx.x; i < end; i += blockDim.x) {
            acc += reduction_term(e.data[i], kind);
        }
    }
    acc = block_sum(acc, scratch);
    if (threadIdx.x == 0) partials[blockIdx.x] = acc;
}

// out[0] = sum of the n partials, added in double by one block.
extern "C" __global__ void final_sum_kernel(float* out, const float* partials, int n) {
    __shared__ double scratch[32];
    double acc = 0.0;
    for (int i = threadIdx.x; i < n; i += blockDim.x) acc += partials[i];
    for (int offset = WARP / 2; offset > 0; offset /= 2) acc += __shfl_xor_sync(FULL_MASK, acc, offset);
    if (threadIdx.x % WARP == 0) scratch[threadIdx.x / WARP] = acc;
    __syncthreads();
    if (threadIdx.x == 0) {
        double total = 0.0;
        for (int w = 0; w < (int) (blockDim.x / WARP); w++) total += scratch[w];
        out[0] = (float) total;
    }
}

// y[c, r] (+)= x[r, c] through a 32 x 33 shared tile (the padding column avoids bank conflicts),
// so both the read of x and the write of y are coalesced. Block 32 x 8, each thread 4 rows.
extern "C" __global__ void transpose_kernel(float* y, const float* x, int rows, int cols, int accumulate) {
    __shared__ float tile[32][33];
    int c = blockIdx.x * 32 + threadIdx.x;
    for (int j = threadIdx.y; j < 32; j += 8) {
        int r = blockIdx.y * 32 + j;
        if (r < rows && c < cols) tile[j][threadIdx.x] = x[(long) r * cols + c];
    }
    __syncthreads();
    int r = blockIdx.y * 32 + threadIdx.x;
    for (int j = threadIdx.y; j < 32; j += 8) {
        int cc = blockIdx.x * 32 + j;
        if (r < rows && cc < cols) {
            long dst = (long) cc * rows + r;
            float v = tile[threadIdx.x][j];
            y[dst] = accumulate ? y[dst] + v : v;
        }
    }
}
