package io.ttastream.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-precision matrix product C = A B (+ C) on row-major arrays with offsets and leading
 * dimensions, so callers can multiply sub-blocks (one attention head, one convolution group)
 * in place. Neither operand is transposed here: callers transpose first, which costs O(n^2)
 * against the product's O(n^3).
 *
 * <p>The micro-kernel keeps a 4-row by 2-vector tile of C in registers and streams one row of B
 * per step of k; columns are processed in panels so a panel of B stays in cache while every row
 * of A passes over it. Rows are split across the backend's threads.
 */
final class Gemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int W = S.length();
    private static final int ROWS = 4;
    private static final int COLUMN_PANEL = 512;

    private Gemm() {
    }

    /**
     * C[m, n] (+)= sum_k A[m, k] B[k, n] for m < M, n < N, k < K, where X[i, j] = x[xOff + i * ldx + j].
     */
    static void multiply(Parallel parallel, int M, int N, int K,
                         float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                         float[] c, int cOff, int ldc, boolean accumulate) {
        if (M == 0 || N == 0) {
            return;
        }
        if (!accumulate) {
            for (int i = 0; i < M; i++) {
                java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + N, 0f);
            }
        }
        if (K == 0) {
            return;
        }
        int rowBlocks = (M + ROWS - 1) / ROWS;
        // Small products are not worth a thread hand-off.
        int grain = (long) M * N * K < (1 << 16) ? rowBlocks : 1;
        parallel.forRange(rowBlocks, grain, (firstBlock, endBlock) -> {
            for (int n0 = 0; n0 < N; n0 += COLUMN_PANEL) {
                int n1 = Math.min(N, n0 + COLUMN_PANEL);
                for (int blk = firstBlock; blk < endBlock; blk++) {
                    int i0 = blk * ROWS;
                    int rows = Math.min(ROWS, M - i0);
                    if (rows == ROWS) {
                        tile4(K, a, aOff + i0 * lda, lda, b, bOff, ldb, c, cOff + i0 * ldc, ldc, n0, n1);
                    } else {
                        for (int r = 0; r < rows; r++) {
                            row(K, a, aOff + (i0 + r) * lda, b, bOff, ldb, c, cOff + (i0 + r) * ldc, n0, n1);
                        }
                    }
                }
            }
        });
    }

    /** Four rows of C over columns [n0, n1). */
    private static void tile4(int K, float[] a, int a0, int lda, float[] b, int bOff, int ldb,
                              float[] c, int c0, int ldc, int n0, int n1) {
        int a1 = a0 + lda;
        int a2 = a1 + lda;
        int a3 = a2 + lda;
        int n = n0;
        for (; n + 2 * W <= n1; n += 2 * W) {
            FloatVector c00 = FloatVector.fromArray(S, c, c0 + n);
            FloatVector c01 = FloatVector.fromArray(S, c, c0 + n + W);
            FloatVector c10 = FloatVector.fromArray(S, c, c0 + ldc + n);
            FloatVector c11 = FloatVector.fromArray(S, c, c0 + ldc + n + W);
            FloatVector c20 = FloatVector.fromArray(S, c, c0 + 2 * ldc + n);
            FloatVector c21 = FloatVector.fromArray(S, c, c0 + 2 * ldc + n + W);
            FloatVector c30 = FloatVector.fromArray(S, c, c0 + 3 * ldc + n);
            FloatVector c31 = FloatVector.fromArray(S, c, c0 + 3 * ldc + n + W);
            int bRow = bOff + n;
            for (int k = 0; k < K; k++, bRow += ldb) {
                FloatVector b0 = FloatVector.fromArray(S, b, bRow);
                FloatVector b1 = FloatVector.fromArray(S, b, bRow + W);
                FloatVector x0 = FloatVector.broadcast(S, a[a0 + k]);
                c00 = x0.fma(b0, c00);
                c01 = x0.fma(b1, c01);
                FloatVector x1 = FloatVector.broadcast(S, a[a1 + k]);
                c10 = x1.fma(b0, c10);
                c11 = x1.fma(b1, c11);
                FloatVector x2 = FloatVector.broadcast(S, a[a2 + k]);
                c20 = x2.fma(b0, c20);
                c21 = x2.fma(b1, c21);
                FloatVector x3 = FloatVector.broadcast(S, a[a3 + k]);
                c30 = x3.fma(b0, c30);
                c31 = x3.fma(b1, c31);
            }
            c00.intoArray(c, c0 + n);
            c01.intoArray(c, c0 + n + W);
            c10.intoArray(c, c0 + ldc + n);
            c11.intoArray(c, c0 + ldc + n + W);
            c20.intoArray(c, c0 + 2 * ldc + n);
            c21.intoArray(c, c0 + 2 * ldc + n + W);
            c30.intoArray(c, c0 + 3 * ldc + n);
            c31.intoArray(c, c0 + 3 * ldc + n + W);
        }
        if (n < n1) {
            for (int r = 0; r < ROWS; r++) {
                row(K, a, a0 + r * lda, b, bOff, ldb, c, c0 + r * ldc, n, n1);
            }
        }
    }

    /** One row of C over columns [n0, n1): vectors where they fit, scalars for the tail. */
    private static void row(int K, float[] a, int aRow, float[] b, int bOff, int ldb,
                            float[] c, int cRow, int n0, int n1) {
        int n = n0;
        for (; n + W <= n1; n += W) {
            FloatVector acc = FloatVector.fromArray(S, c, cRow + n);
            int bIdx = bOff + n;
            for (int k = 0; k < K; k++, bIdx += ldb) {
                acc = FloatVector.broadcast(S, a[aRow + k]).fma(FloatVector.fromArray(S, b, bIdx), acc);
            }
            acc.intoArray(c, cRow + n);
        }
        for (; n < n1; n++) {
            float acc = c[cRow + n];
            int bIdx = bOff + n;
            for (int k = 0; k < K; k++, bIdx += ldb) {
                acc += a[aRow + k] * b[bIdx];
            }
            c[cRow + n] = acc;
        }
    }
}
