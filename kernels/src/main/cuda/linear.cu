// Linear layer y = x w^T + bias. The products run through matmul.cu's SGEMM (the Java side
// launches it: dx += dy w, dw += dy^T x); this file holds the bias's forward and backward.
#include "common.cuh"

// out[r, c] = bias[c]: the starting value of a linear layer's output before its GEMM accumulates.
extern "C" __global__ void broadcast_rows_kernel(float* out, const float* bias, int rows, int cols) {
    int n = rows * cols;
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) {
        out[i] = bias[i % cols];
    }
}

// out[c] += sum over rows of x[r, c]. As layernorm.cu's parameter sums: a block of
// 32 x blockDim.y threads (at most 32 x 32) per 32 columns, threadIdx.y striding over the rows,
// the partial sums added in shared memory in a fixed order; each output has one writer.
extern "C" __global__ void column_sums_add_kernel(float* out, const float* x, int rows, int cols) {
    __shared__ float partial[32][33];
    int c = blockIdx.x * WARP + threadIdx.x;
    float acc = 0.f;
    if (c < cols) {
        for (int r = threadIdx.y; r < rows; r += blockDim.y) acc += x[(long) r * cols + c];
    }
    partial[threadIdx.y][threadIdx.x] = acc;
    __syncthreads();
    if (threadIdx.y == 0 && c < cols) {
        for (int k = 1; k < (int) blockDim.y; k++) acc += partial[k][threadIdx.x];
        out[c] += acc;
    }
}
