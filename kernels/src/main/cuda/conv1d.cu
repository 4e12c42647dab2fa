// 1-D convolution as im2col + matmul.cu's batched SGEMM, one batch entry per group, over chunks
// of output steps so the column buffer stays bounded (the Java side drives the chunks):
//   forward  y_g[:, chunk]  (+)= w_g x columns_g
//   backward dw_g += dy_g[:, chunk] x columns_g^T;  columns_g = w_g^T x dy_g[:, chunk], then col2im.
// columns is [groups, inPerGroup * K, width]: row c * K + tap, column j holds
// x[g * inPerGroup + c, (t0 + j) * stride + tap - padLeft] (zero in the padding).
#include "common.cuh"

// One thread per element of the column buffer.
extern "C" __global__ void im2col_kernel(float* columns, const float* x, int groups, int inPerGroup, int tin,
                                         int k, int stride, int padLeft, int t0, int width) {
    long rows = (long) inPerGroup * k, n = groups * rows * width;
    for (long i = blockIdx.x * (long) blockDim.x + threadIdx.x; i < n; i += (long) gridDim.x * blockDim.x) {
        int j = (int) (i % width);
        long row = (i / width) % rows;
        int g = (int) (i / (width * rows));
        int c = (int) (row / k), tap = (int) (row % k);
        int t = (t0 + j) * stride + tap - padLeft;
        columns[i] = t >= 0 && t < tin ? x[((long) g * inPerGroup + c) * tin + t] : 0.f;
    }
}

// dx[ci, t] += every column entry that im2col copied from x[ci, t]. One thread per element of dx
// gathers over the kernel taps, so no two threads write the same element and no atomics are needed.
extern "C" __global__ void col2im_add_kernel(float* dx, const float* columns, int cin, int inPerGroup, int tin,
                                             int k, int stride, int padLeft, int t0, int width) {
    long n = (long) cin * tin, rows = (long) inPerGroup * k;
    for (long i = blockIdx.x * (long) blockDim.x + threadIdx.x; i < n; i += (long) gridDim.x * blockDim.x) {
        int ci = (int) (i / tin), t = (int) (i % tin);
        int g = ci / inPerGroup, c = ci % inPerGroup;
        const float* groupColumns = columns + g * rows * width;
        float acc = 0.f;
        for (int tap = 0; tap < k; tap++) {
            int u = t + padLeft - tap;
            if (u < 0 || u % stride != 0) continue;
            int j = u / stride - t0;
            if (j >= 0 && j < width) acc += groupColumns[((long) c * k + tap) * width + j];
        }
        dx[i] += acc;
    }
}

// out[r, c] = bias[r]: a convolution's output [Cout, T] starts at its bias.
extern "C" __global__ void broadcast_columns_kernel(float* out, const float* bias, int rows, int cols) {
    int n = rows * cols;
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) {
        out[i] = bias[i / cols];
    }
}

// out[r] += sum over columns of x[r, c]; one block per row.
extern "C" __global__ void row_sums_add_kernel(float* out, const float* x, int rows, int cols) {
    __shared__ float scratch[32];
    for (int r = blockIdx.x; r < rows; r += gridDim.x) {
        float acc = 0.f;
        for (int c = threadIdx.x; c < cols; c += blockDim.x) acc += x[(long) r * cols + c];
        acc = block_sum(acc, scratch);
        if (threadIdx.x == 0) out[r] += acc;
    }
}
