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

// out[c] += sum over rows of x[r, c]; one thread per column walks the rows, so adjacent threads
// read adjacent addresses and no two threads write the same output.
extern "C" __global__ void column_sums_add_kernel(float* out, const float* x, int rows, int cols) {
    for (int c = blockIdx.x * blockDim.x + threadIdx.x; c < cols; c += gridDim.x * blockDim.x) {
        float acc = 0.f;
        for (int r = 0; r < rows; r++) acc += x[(long) r * cols + c];
        out[c] += acc;
    }
}
