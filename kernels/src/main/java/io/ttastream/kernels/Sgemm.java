package io.ttastream.kernels;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-precision GEMM, {@code C (+)= op(A) op(B)} on strided sub-matrices of float arrays, in
 * the Goto/BLIS scheme:
 * <ol>
 *   <li>Take op(B) in blocks of {@link #NC} columns and {@link #KC} rows, op(A) in the matching
 *       {@link #KC}-deep slab. Pack both into panels: A as {@link #MR}-row strips stored
 *       column by column, B as {@link #NR}-column strips stored row by row, zero-padded at the
 *       edges. Packing also absorbs the transposes, so one kernel serves all four cases.</li>
 *   <li>Split C into tasks of up to {@link #MC} rows by a few B panels; each task walks its tiles
 *       with the micro-kernel, which keeps an MR x NR block of C in 10 vector registers and
 *       streams the two packed panels from L1/L2 with one broadcast and two FMAs per element
 *       of A.</li>
 * </ol>
 * op(A)[i][p] is {@code a[aOff + i*lda + p]}, or {@code a[aOff + p*lda + i]} when transposed;
 * likewise B. C[i][j] is {@code c[cOff + i*ldc + j]}. Every C tile is written by exactly one
 * task in a fixed order, so results do not depend on the thread count.
 */
final class Sgemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /**
     * Rows of a micro-tile: 5 rows x 2 vectors = 10 accumulators of the 16 AVX2 registers. 6 rows
     * (12 accumulators) measured half as fast on JDK 17, whose per-load bounds checks on vectors
     * are not hoisted out of the loop and compete for registers (it ran at full speed with the
     * checks switched off).
     */
    static final int MR = 5;
    /** Columns of a micro-tile: two vectors. */
    static final int NR = 2 * L;
    /** Depth of a packed slab: a 5 x 256 strip of A and a 256 x NR strip of B fit in L1/L2. */
    static final int KC = 256;
    /** Rows per task: a 100 x 256 block of packed A (100 KiB) stays in L2 while B panels stream. */
    static final int MC = 20 * MR;
    /** Columns packed at once, bounding the packed-B buffer to NC x KC floats. */
    static final int NC = 256 * NR;
    /** Products smaller than this many multiply-adds run on the calling thread. */
    private static final long PARALLEL_THRESHOLD = 1L << 18;

    private Sgemm() {
    }

    static void gemm(Parallel parallel, int m, int n, int k,
                     float[] a, int aOff, int lda, boolean transA,
                     float[] b, int bOff, int ldb, boolean transB,
                     float[] c, int cOff, int ldc, boolean accumulate) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            if (!accumulate) {
                for (int i = 0; i < m; i++) {
                    Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
                }
            }
            return;
        }
        Parallel par = (long) m * n * k < PARALLEL_THRESHOLD ? Parallel.SERIAL : parallel;
        Workspace workspace = Workspace.ofCurrentThread();
        int mPanels = ceilDiv(m, MR);
        float[] packedA = workspace.buffer(Workspace.Slot.PACKED_A, mPanels * MR * Math.min(k, KC));
        float[] packedB = workspace.buffer(Workspace.Slot.PACKED_B, ceilDiv(Math.min(n, NC), NR) * NR * Math.min(k, KC));
        int mBlocks = ceilDiv(m, MC);
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            int nPanels = ceilDiv(nc, NR);
            // Enough tasks for every thread to get several, but no more than 16 panels (256+ columns) each.
            int panelsPerTask = Math.max(1, Math.min(16, nPanels * mBlocks / (4 * par.threads())));
            int nBlocks = ceilDiv(nPanels, panelsPerTask);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                int p0 = pc;
                int j0 = jc;
                boolean addToC = accumulate || pc > 0;
                par.forEach(mPanels + nPanels, task -> {
                    if (task < mPanels) {
                        packA(a, aOff, lda, transA, m, task * MR, p0, kc, packedA, task * MR * kc);
                    } else {
                        int panel = task - mPanels;
                        packB(b, bOff, ldb, transB, n, j0 + panel * NR, p0, kc, packedB, panel * NR * kc);
                    }
                });
                par.forEach(mBlocks * nBlocks, task -> {
                    int firstRowPanel = (task % mBlocks) * (MC / MR);
                    int lastRowPanel = Math.min(mPanels, firstRowPanel + MC / MR);
                    int firstColPanel = (task / mBlocks) * panelsPerTask;
                    int lastColPanel = Math.min(nPanels, firstColPanel + panelsPerTask);
                    float[] edgeTile = new float[MR * NR];
                    for (int jp = firstColPanel; jp < lastColPanel; jp++) {
                        int col = j0 + jp * NR;
                        for (int ip = firstRowPanel; ip < lastRowPanel; ip++) {
                            int row = ip * MR;
                            microKernel(packedA, ip * MR * kc, packedB, jp * NR * kc, kc,
                                    c, cOff + row * ldc + col, ldc,
                                    Math.min(MR, m - row), Math.min(NR, n - col), addToC, edgeTile);
                        }
                    }
                });
            }
        }
    }

    /** Packs rows [i0, i0 + MR) x depth [p0, p0 + kc) of op(A) column by column, zero-padding missing rows. */
    private static void packA(float[] a, int aOff, int lda, boolean transA, int m, int i0, int p0, int kc,
                              float[] dst, int dOff) {
        int rows = Math.min(MR, m - i0);
        if (transA) {
            // op(A)[i][p] = a[p][i]: each depth step reads MR consecutive elements.
            for (int p = 0; p < kc; p++) {
                int src = aOff + (p0 + p) * lda + i0;
                int d = dOff + p * MR;
                for (int r = 0; r < rows; r++) {
                    dst[d + r] = a[src + r];
                }
                for (int r = rows; r < MR; r++) {
                    dst[d + r] = 0f;
                }
            }
        } else {
            // Read each row of A contiguously, scatter with stride MR.
            for (int r = 0; r < rows; r++) {
                int src = aOff + (i0 + r) * lda + p0;
                for (int p = 0; p < kc; p++) {
                    dst[dOff + p * MR + r] = a[src + p];
                }
            }
            for (int r = rows; r < MR; r++) {
                for (int p = 0; p < kc; p++) {
                    dst[dOff + p * MR + r] = 0f;
                }
            }
        }
    }

    /** Packs depth [p0, p0 + kc) x columns [j0, j0 + NR) of op(B) row by row, zero-padding missing columns. */
    private static void packB(float[] b, int bOff, int ldb, boolean transB, int n, int j0, int p0, int kc,
                              float[] dst, int dOff) {
        int cols = Math.min(NR, n - j0);
        if (transB) {
            // op(B)[p][j] = b[j][p]: read each row of b contiguously, scatter with stride NR.
            for (int col = 0; col < cols; col++) {
                int src = bOff + (j0 + col) * ldb + p0;
                for (int p = 0; p < kc; p++) {
                    dst[dOff + p * NR + col] = b[src + p];
                }
            }
            for (int col = cols; col < NR; col++) {
                for (int p = 0; p < kc; p++) {
                    dst[dOff + p * NR + col] = 0f;
                }
            }
        } else if (cols == NR) {
            for (int p = 0; p < kc; p++) {
                int src = bOff + (p0 + p) * ldb + j0;
                int d = dOff + p * NR;
                FloatVector.fromArray(S, b, src).intoArray(dst, d);
                FloatVector.fromArray(S, b, src + L).intoArray(dst, d + L);
            }
        } else {
            for (int p = 0; p < kc; p++) {
                int src = bOff + (p0 + p) * ldb + j0;
                int d = dOff + p * NR;
                for (int col = 0; col < cols; col++) {
                    dst[d + col] = b[src + col];
                }
                for (int col = cols; col < NR; col++) {
                    dst[d + col] = 0f;
                }
            }
        }
    }

    /**
     * C tile (+)= packed A strip x packed B strip. Writes only the {@code rows x cols} corner that
     * exists in C; a partial tile goes through {@code edgeTile}.
     */
    private static void microKernel(float[] pa, int aOff, float[] pb, int bOff, int kc,
                                    float[] c, int cOff, int ldc, int rows, int cols, boolean addToC,
                                    float[] edgeTile) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        for (int p = 0, ai = aOff, bi = bOff; p < kc; p++, ai += MR, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(S, pb, bi);
            FloatVector b1 = FloatVector.fromArray(S, pb, bi + L);
            FloatVector av = FloatVector.broadcast(S, pa[ai]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, pa[ai + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, pa[ai + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, pa[ai + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, pa[ai + 4]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
        }
        boolean fullTile = rows == MR && cols == NR;
        float[] dst = fullTile ? c : edgeTile;
        int ld = fullTile ? ldc : NR;
        int off = fullTile ? cOff : 0;
        boolean add = fullTile && addToC;
        storeRow(dst, off, c00, c01, add);
        storeRow(dst, off + ld, c10, c11, add);
        storeRow(dst, off + 2 * ld, c20, c21, add);
        storeRow(dst, off + 3 * ld, c30, c31, add);
        storeRow(dst, off + 4 * ld, c40, c41, add);
        if (!fullTile) {
            for (int r = 0; r < rows; r++) {
                for (int col = 0; col < cols; col++) {
                    float value = edgeTile[r * NR + col];
                    int index = cOff + r * ldc + col;
                    c[index] = addToC ? c[index] + value : value;
                }
            }
        }
    }

    private static void storeRow(float[] c, int off, FloatVector v0, FloatVector v1, boolean add) {
        if (add) {
            v0 = v0.add(FloatVector.fromArray(S, c, off));
            v1 = v1.add(FloatVector.fromArray(S, c, off + L));
        }
        v0.intoArray(c, off);
        v1.intoArray(c, off + L);
    }

    static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
