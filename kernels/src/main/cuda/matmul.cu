// Batched strided matrix products C = op(A) op(B) (+ C), row-major, for linear layers,
// convolutions (one batch entry per group) and attention (one per head).
//
// op(A) is [M, K]: element (m, k) is A[m * lda + k], or A[k * lda + m] when transposed;
// op(B) is [K, N]: element (k, n) is B[k * ldb + n], or B[n * ldb + k] when transposed.
// Batch entry z (blockIdx.z) starts at A + z * strideA, B + z * strideB, C + z * strideC.
//
// Two kernels with the same signature:
// - sgemm_kernel: FP32 on CUDA cores. A 64 x 64 tile of C per block of 256 threads; the block
//   stages 16-wide slices of A and B in shared memory and each thread keeps a 4 x 4 register
//   block of C, its rows and columns 16 apart so that shared reads and global writes of a warp
//   fall on consecutive addresses.
// - sgemm_tf32_kernel: tensor cores (sm_80+) through wmma with TF32 inputs and FP32
//   accumulation. A 64 x 64 tile per block of 4 warps, each warp a 32 x 32 quarter made of
//   2 x 2 fragments of 16 x 16; the result goes through shared memory so edges and the
//   accumulate flag are handled with plain bounds checks.
#include <mma.h>
#include "common.cuh"

#define TILE 64
#define SLICE 16

// Stages op(A)[m0 .. m0 + 64, k0 .. k0 + 16] as a_tile[m][k] and op(B)[k0 .., n0 ..] as
// b_tile[k][n], zero outside the matrices. Consecutive threads take consecutive addresses of
// the source in either orientation.
template <int A_PITCH, int B_PITCH, bool TO_TF32>
__device__ __forceinline__ void stage_slices(float (*a_tile)[A_PITCH], float (*b_tile)[B_PITCH],
                                             const float* A, int lda, int transA,
                                             const float* B, int ldb, int transB,
                                             int M, int N, int K, int m0, int n0, int k0) {
    for (int e = threadIdx.x; e < TILE * SLICE; e += blockDim.x) {
        int m = transA ? e % TILE : e / SLICE;
        int k = transA ? e / TILE : e % SLICE;
        int gm = m0 + m, gk = k0 + k;
        float v = gm < M && gk < K ? (transA ? A[(long) gk * lda + gm] : A[(long) gm * lda + gk]) : 0.f;
        a_tile[m][k] = TO_TF32 ? nvcuda::wmma::__float_to_tf32(v) : v;
    }
    for (int e = threadIdx.x; e < SLICE * TILE; e += blockDim.x) {
        int k = transB ? e % SLICE : e / TILE;
        int n = transB ? e / SLICE : e % TILE;
        int gk = k0 + k, gn = n0 + n;
        float v = gk < K && gn < N ? (transB ? B[(long) gn * ldb + gk] : B[(long) gk * ldb + gn]) : 0.f;
        b_tile[k][n] = TO_TF32 ? nvcuda::wmma::__float_to_tf32(v) : v;
    }
}

extern "C" __global__ void __launch_bounds__(256)
sgemm_kernel(int M, int N, int K,
             const float* A, int lda, long strideA, int transA,
             const float* B, int ldb, long strideB, int transB,
             float* C, int ldc, long strideC, int accumulate) {
    // a_tile is [m][k] with an odd pitch so that column reads (fixed k) spread over banks.
    __shared__ float a_tile[TILE][SLICE + 1];
    __shared__ float b_tile[SLICE][TILE];
    A += blockIdx.z * strideA;
    B += blockIdx.z * strideB;
    C += blockIdx.z * strideC;
    int m0 = blockIdx.y * TILE, n0 = blockIdx.x * TILE;
    int tx = threadIdx.x % 16, ty = threadIdx.x / 16;
    float acc[4][4] = {};
    for (int k0 = 0; k0 < K; k0 += SLICE) {
        stage_slices<SLICE + 1, TILE, false>(a_tile, b_tile, A, lda, transA, B, ldb, transB, M, N, K, m0, n0, k0);
        __syncthreads();
#pragma unroll
        for (int k = 0; k < SLICE; k++) {
            float a[4], b[4];
#pragma unroll
            for (int i = 0; i < 4; i++) a[i] = a_tile[ty + 16 * i][k];
#pragma unroll
            for (int j = 0; j < 4; j++) b[j] = b_tile[k][tx + 16 * j];
#pragma unroll
            for (int i = 0; i < 4; i++)
#pragma unroll
                for (int j = 0; j < 4; j++) acc[i][j] = fmaf(a[i], b[j], acc[i][j]);
        }
        __syncthreads();
    }
#pragma unroll
    for (int i = 0; i < 4; i++) {
        int m = m0 + ty + 16 * i;
#pragma unroll
        for (int j = 0; j < 4; j++) {
            int n = n0 + tx + 16 * j;
            if (m < M && n < N) {
                long at = (long) m * ldc + n;
                C[at] = accumulate ? C[at] + acc[i][j] : acc[i][j];
            }
        }
    }
}

extern "C" __global__ void __launch_bounds__(128)
sgemm_tf32_kernel(int M, int N, int K,
                  const float* A, int lda, long strideA, int transA,
                  const float* B, int ldb, long strideB, int transB,
                  float* C, int ldc, long strideC, int accumulate) {
#if __CUDA_ARCH__ >= 800
    using namespace nvcuda;
    // Pitches are multiples of 4 floats (wmma needs 16-byte strides) but not of 32 (banks).
    __shared__ __align__(32) float a_tile[TILE][SLICE + 4];
    __shared__ __align__(32) float b_tile[SLICE][TILE + 4];
    __shared__ __align__(32) float c_tile[TILE][TILE + 4];
    A += blockIdx.z * strideA;
    B += blockIdx.z * strideB;
    C += blockIdx.z * strideC;
    int m0 = blockIdx.y * TILE, n0 = blockIdx.x * TILE;
    int warp = threadIdx.x / WARP, wm = warp / 2, wn = warp % 2;
    wmma::fragment<wmma::accumulator, 16, 16, 8, float> acc[2][2];
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++) wmma::fill_fragment(acc[i][j], 0.f);
    for (int k0 = 0; k0 < K; k0 += SLICE) {
        stage_slices<SLICE + 4, TILE + 4, true>(a_tile, b_tile, A, lda, transA, B, ldb, transB, M, N, K, m0, n0, k0);
        __syncthreads();
        for (int kk = 0; kk < SLICE; kk += 8) {
            wmma::fragment<wmma::matrix_a, 16, 16, 8, wmma::precision::tf32, wmma::row_major> a[2];
            wmma::fragment<wmma::matrix_b, 16, 16, 8, wmma::precision::tf32, wmma::row_major> b[2];
            for (int i = 0; i < 2; i++) wmma::load_matrix_sync(a[i], &a_tile[wm * 32 + i * 16][kk], SLICE + 4);
            for (int j = 0; j < 2; j++) wmma::load_matrix_sync(b[j], &b_tile[kk][wn * 32 + j * 16], TILE + 4);
            for (int i = 0; i < 2; i++)
                for (int j = 0; j < 2; j++) wmma::mma_sync(acc[i][j], a[i], b[j], acc[i][j]);
        }
        __syncthreads();
    }
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++)
            wmma::store_matrix_sync(&c_tile[wm * 32 + i * 16][wn * 32 + j * 16], acc[i][j], TILE + 4, wmma::mem_row_major);
    __syncthreads();
    for (int e = threadIdx.x; e < TILE * TILE; e += blockDim.x) {
        int m = m0 + e / TILE, n = n0 + e % TILE;
        if (m < M && n < N) {
            long at = (long) m * ldc + n;
            float v = c_tile[e / TILE][e % TILE];
            C[at] = accumulate ? C[at] + v : v;
        }
    }
#endif
}
