package io.ttastream.kernels.cuda;

import static io.ttastream.kernels.Shapes.require;
import static io.ttastream.kernels.Shapes.requireRank;
import static io.ttastream.kernels.Shapes.requireShape;
import static io.ttastream.kernels.Shapes.requireSize;
import static io.ttastream.kernels.Shapes.rowsOf;

import io.ttastream.kernels.Backend;
import io.ttastream.kernels.Shapes;
import io.ttastream.kernels.Tensor;
import io.ttastream.kernels.loss.SutaLossConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jcuda.Sizeof;
import jcuda.driver.CUdeviceptr;

/**
 * A {@link Backend} on one NVIDIA GPU through JCuda's driver API, running the kernels of
 * src/main/cuda (compiled ahead of time, see {@link KernelLibrary}). {@link
 * io.ttastream.kernels.CpuBackend} is its reference; {@link CudaParityCheck} compares the two.
 *
 * <p>Tensors live in device memory ({@link CudaTensor}); only {@link Tensor#toArray()},
 * {@link Tensor#copyFrom(float[])} and the reductions that return a host value ({@link #sum},
 * {@link #sumOfSquares}, {@link #allFinite}) move data to or from the host, and they wait for the
 * GPU. Every kernel goes on the context's default stream, so ops run in call order. Device memory
 * comes from a pool ({@link DeviceMemory}) that reuses released blocks, so a loop allocating the
 * same tensors every step does not call the driver after its first step; scratch memory
 * (reduction partials, im2col columns, attention score gradients) is grown, never per call.
 *
 * <p>One calling thread at a time: each op makes the backend's context current on the thread
 * that calls it.
 */
public final class CudaBackend implements Backend {
    /** How matrix products are computed. */
    public enum MatmulPrecision {
        /** FP32 on CUDA cores: matches the CPU to float rounding. */
        FP32,
        /** TF32 inputs (10-bit mantissa) on tensor cores, FP32 accumulation: faster, about 1e-3 relative. */
        TF32
    }

    /** Threads per block of the one-thread-per-element kernels. */
    private static final int BLOCK = 256;
    /** Rows per block of the one-warp-per-row kernels (BLOCK / 32). */
    private static final int ROWS_PER_BLOCK = BLOCK / 32;
    /** Most blocks of a reduction's first pass, the length of its partials buffer. */
    private static final int MAX_PARTIALS = 1024;
    /** Bound on the im2col buffer (floats); longer convolutions go in chunks of output steps. */
    private static final long COLUMN_BUDGET = 1L << 25;
    /** Elements per block of the multi-tensor kernels (TENSOR_CHUNK in common.cuh). */
    private static final int TENSOR_CHUNK = 2048;
    /** Floats per row of the tensor tables: struct AdamWTensor (adamw.cu) is 40 bytes, TensorRef (elementwise.cu) 16. */
    private static final int ADAMW_ROW_FLOATS = 10, TENSOR_REF_ROW_FLOATS = 4;
    /** Tensor tables kept at once: an optimizer's tensors (DSUTA's fast and slow ones), the gradients checked. */
    private static final int TENSOR_TABLES_KEPT = 8;
    /** Reduction kinds of partial_sums_kernel, as in elementwise.cu. */
    private static final int REDUCE_SUM = 0, REDUCE_SUM_OF_SQUARES = 1, REDUCE_NON_FINITE_COUNT = 2;

    private final int ordinal;
    private final Device device;
    private final MatmulPrecision precision;
    private final DeviceMemory memory;
    /** partials[0 .. MAX_PARTIALS) and the reduced value at partials[MAX_PARTIALS]. */
    private final CudaTensor partials;
    /**
     * Grow-only scratch: im2col columns, attention score gradients, weight-norm slice sums, multi-tensor partials,
     * the SUTA loss's per-frame and per-class sums.
     */
    private final Scratch columns = new Scratch(), scores = new Scratch(), sliceSums = new Scratch(),
            chunkSums = new Scratch(), lossScratch = new Scratch();
    /**
     * Device-side tables of the multi-tensor kernels, by their row-setting kernel and the tensor lists
     * they point to (tensors compare by identity, so other tensors never find a stale table); the
     * least recently used goes first.
     */
    private final Map<List<Object>, CudaTensor> tensorTables = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<List<Object>, CudaTensor> eldest) {
            boolean full = size() > TENSOR_TABLES_KEPT;
            if (full) {
                eldest.getValue().close();
            }
            return full;
        }
    };
    private long launches;
    private boolean closed;

    /** The first GPU with FP32 products. */
    public CudaBackend() {
        this(0, MatmulPrecision.FP32);
    }

    /**
     * Opens GPU {@code ordinal}: initialises the driver, retains the device's primary context
     * and loads the kernels.
     *
     * @throws jcuda.CudaException when there is no such device or the driver refuses
     * @throws UnsatisfiedLinkError when JCuda's native library or the driver (libcuda.so.1) cannot be loaded
     */
    public CudaBackend(int ordinal, MatmulPrecision precision) {
        this(ordinal, new JCudaDevice(ordinal), precision);
    }

    /** A backend on a given device (an emulated one, in tests). */
    CudaBackend(int ordinal, Device device, MatmulPrecision precision) {
        this.ordinal = ordinal;
        this.device = device;
        this.precision = precision;
        this.memory = new DeviceMemory(device);
        this.partials = (CudaTensor) allocate(MAX_PARTIALS + 1);
    }

    @Override
    public String name() {
        return "cuda:" + ordinal;
    }

    /** The GPU's marketing name, e.g. "NVIDIA H100 80GB HBM3". */
    public String deviceName() {
        return device.name();
    }

    /** How this backend computes matrix products. */
    public MatmulPrecision precision() {
        return precision;
    }

    /** Kernels launched so far: what a loop pays in launch overhead, which CUDA graphs would remove. */
    public long launchCount() {
        return launches;
    }

    /** Waits until every op issued so far has finished (for timing). */
    public void synchronize() {
        makeCurrent();
        device.synchronize();
    }

    /** Makes this backend's context current on the calling thread. */
    void makeCurrent() {
        if (closed) {
            throw new IllegalStateException("CUDA backend " + name() + " is closed");
        }
        device.makeCurrent();
    }

    Device device() {
        return device;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        makeCurrent();
        memory.close();
        closed = true;
        device.close();
    }

    // ---------------------------------------------------------------- memory

    @Override
    public Tensor allocate(int... shape) {
        makeCurrent();
        CudaTensor t = new CudaTensor(this, memory, shape);
        if (t.size() > 0) {
            device.fill32(t.pointer(), 0, t.size());
        }
        return t;
    }

    /** Device memory held from the driver, by tensors alive or released for reuse, and scratch. */
    public long deviceBytes() {
        return memory.allocatedBytes();
    }

    @Override
    public void copy(Tensor dst, Tensor src) {
        requireSize("copy", "src", src, dst.size());
        if (dst.size() > 0) {
            makeCurrent();
            device.copy(ptr("copy", dst), ptr("copy", src), (long) dst.size() * Sizeof.FLOAT);
        }
    }

    @Override
    public void fill(Tensor t, float value) {
        if (t.size() > 0) {
            makeCurrent();
            device.fill32(ptr("fill", t), Float.floatToRawIntBits(value), t.size());
        }
    }

    // ---------------------------------------------------------------- elementwise and reductions

    @Override
    public void add(Tensor out, Tensor a, Tensor b) {
        requireShape("add", "a", a, out.shape());
        requireShape("add", "b", b, out.shape());
        elementwise(Kernel.ADD, out.size(), ptr("add", out), ptr("add", a), ptr("add", b), out.size());
    }

    @Override
    public void axpy(Tensor y, float alpha, Tensor x) {
        requireSize("axpy", "x", x, y.size());
        elementwise(Kernel.AXPY, y.size(), ptr("axpy", y), alpha, ptr("axpy", x), y.size());
    }

    @Override
    public void scale(Tensor out, Tensor x, float alpha) {
        requireSize("scale", "x", x, out.size());
        elementwise(Kernel.SCALE, out.size(), ptr("scale", out), ptr("scale", x), alpha, out.size());
    }

    @Override
    public void mul(Tensor out, Tensor a, Tensor b) {
        requireShape("mul", "a", a, out.shape());
        requireShape("mul", "b", b, out.shape());
        elementwise(Kernel.MUL, out.size(), ptr("mul", out), ptr("mul", a), ptr("mul", b), out.size());
    }

    @Override
    public float sum(Tensor x) {
        return reduce("sum", x, REDUCE_SUM);
    }

    @Override
    public float sumOfSquares(Tensor x) {
        return reduce("sumOfSquares", x, REDUCE_SUM_OF_SQUARES);
    }

    @Override
    public boolean allFinite(Tensor x) {
        return reduce("allFinite", x, REDUCE_NON_FINITE_COUNT) == 0f;
    }

    @Override
    public float sumOfSquares(List<Tensor> tensors) {
        return reduce("sumOfSquares", tensors, REDUCE_SUM_OF_SQUARES);
    }

    @Override
    public boolean allFinite(List<Tensor> tensors) {
        return reduce("allFinite", tensors, REDUCE_NON_FINITE_COUNT) == 0f;
    }

    /** Two-pass reduction (see elementwise.cu) whose one float comes back to the host. */
    private float reduce(String op, Tensor x, int kind) {
        int n = x.size();
        int blocks = Math.max(1, Math.min(MAX_PARTIALS, ceilDiv(n, BLOCK)));
        CUdeviceptr total = offset(partials.pointer(), MAX_PARTIALS);
        launch(Kernel.PARTIAL_SUMS, blocks, 1, 1, BLOCK, 1, partials.pointer(), ptr(op, x), n, kind);
        launch(Kernel.FINAL_SUM, 1, 1, 1, BLOCK, 1, total, partials.pointer(), blocks);
        return download(total);
    }

    /**
     * A partial per chunk of all the tensors (through a kept table of them), then their sum: two launches
     * and one host round trip, where a loop over {@link #reduce} would wait for each tensor.
     */
    private float reduce(String op, List<Tensor> tensors, int kind) {
        makeCurrent();
        CUdeviceptr total = offset(partials.pointer(), MAX_PARTIALS);
        int chunks = chunks(tensors);
        if (chunks == 0) {
            device.fill32(total, 0, 1);
        } else {
            CudaTensor table = tensorTable(op, Kernel.TENSOR_REF_SET, TENSOR_REF_ROW_FLOATS, tensors);
            CUdeviceptr chunkPartials = chunkSums.atLeast(chunks);
            launch(Kernel.MULTI_PARTIAL_SUMS, chunks, 1, 1, BLOCK, 1, chunkPartials, table.pointer(), tensors.size(), kind);
            launch(Kernel.FINAL_SUM, 1, 1, 1, BLOCK, 1, total, chunkPartials, chunks);
        }
        return download(total);
    }

    private float download(CUdeviceptr value) {
        float[] result = new float[1];
        device.download(result, value);
        return result[0];
    }

    @Override
    public void transpose(Tensor y, Tensor x) {
        requireRank("transpose", "x", x, 2);
        requireShape("transpose", "y", y, x.dim(1), x.dim(0));
        transpose("transpose", y, x, false);
    }

    @Override
    public void transposeBackward(Tensor dx, Tensor dy) {
        requireRank("transposeBackward", "dy", dy, 2);
        requireShape("transposeBackward", "dx", dx, dy.dim(1), dy.dim(0));
        transpose("transposeBackward", dx, dy, true);
    }

    /** dst (+)= src^T in 32 x 32 tiles, blocks of 32 x 8 threads (see elementwise.cu). */
    private void transpose(String op, Tensor dst, Tensor src, boolean accumulate) {
        int rows = src.dim(0), cols = src.dim(1);
        launch(Kernel.TRANSPOSE, ceilDiv(cols, 32), ceilDiv(rows, 32), 1, 32, 8,
                ptr(op, dst), ptr(op, src), rows, cols, accumulate);
    }

    // ---------------------------------------------------------------- products

    /**
     * One operand of a batched GEMM: element (r, c) of batch entry z is at
     * base[z * batchStride + r * ld + c], or base[z * batchStride + c * ld + r] when transposed.
     */
    private record Operand(CUdeviceptr base, int ld, long batchStride, boolean isTransposed) {
        static Operand of(CUdeviceptr base, int ld) {
            return new Operand(base, ld, 0, false);
        }

        Operand transposed() {
            return new Operand(base, ld, batchStride, true);
        }

        Operand batched(long stride) {
            return new Operand(base, ld, stride, isTransposed);
        }
    }

    /** c = a b (+ c) for {@code batch} independent [m, k] x [k, n] products (see matmul.cu). */
    private void gemm(int m, int n, int k, int batch, Operand a, Operand b, Operand c, boolean accumulate) {
        if (m == 0 || n == 0 || batch == 0) {
            return;
        }
        boolean tensorCores = precision == MatmulPrecision.TF32;
        launch(tensorCores ? Kernel.SGEMM_TF32 : Kernel.SGEMM, ceilDiv(n, 64), ceilDiv(m, 64), batch,
                tensorCores ? 128 : 256, 1,
                m, n, k,
                a.base(), a.ld(), a.batchStride(), a.isTransposed(),
                b.base(), b.ld(), b.batchStride(), b.isTransposed(),
                c.base(), c.ld(), c.batchStride(), accumulate);
    }

    @Override
    public void matmul(Tensor out, Tensor a, boolean transA, Tensor b, boolean transB, boolean accumulate) {
        Shapes.MatmulDims dims = Shapes.matmul(out, a, transA, b, transB);
        int m = dims.m(), n = dims.n(), k = dims.k();
        Operand opA = Operand.of(ptr("matmul", a), a.dim(1)), opB = Operand.of(ptr("matmul", b), b.dim(1));
        gemm(m, n, k, 1, transA ? opA.transposed() : opA, transB ? opB.transposed() : opB,
                Operand.of(ptr("matmul", out), n), accumulate);
    }

    @Override
    public void linear(Tensor y, Tensor x, Tensor w, Tensor bias) {
        Shapes.LinearDims dims = Shapes.linear("linear", x, w);
        int out = dims.out(), in = dims.in(), rows = dims.rows();
        requireShape("linear", "y", y, rows, out);
        if (bias != null) {
            requireShape("linear", "bias", bias, out);
            elementwise(Kernel.BROADCAST_ROWS, rows * out, ptr("linear", y), ptr("linear", bias), rows, out);
        }
        gemm(rows, out, in, 1, Operand.of(ptr("linear", x), in), Operand.of(ptr("linear", w), in).transposed(),
                Operand.of(ptr("linear", y), out), bias != null);
    }

    @Override
    public void linearBackward(Tensor dx, Tensor dw, Tensor dbias, Tensor dy, Tensor x, Tensor w) {
        String op = "linearBackward";
        Shapes.LinearDims dims = Shapes.linear(op, x, w);
        int out = dims.out(), in = dims.in(), rows = dims.rows();
        requireShape(op, "dy", dy, rows, out);
        Operand gradOut = Operand.of(ptr(op, dy), out);
        if (dx != null) {
            requireShape(op, "dx", dx, x.shape());
            gemm(rows, in, out, 1, gradOut, Operand.of(ptr(op, w), in), Operand.of(ptr(op, dx), in), true);
        }
        if (dw != null) {
            requireShape(op, "dw", dw, w.shape());
            gemm(out, in, rows, 1, gradOut.transposed(), Operand.of(ptr(op, x), in), Operand.of(ptr(op, dw), in), true);
        }
        if (dbias != null) {
            requireShape(op, "dbias", dbias, out);
            perColumn(Kernel.COLUMN_SUMS_ADD, out, ptr(op, dbias), ptr(op, dy), rows, out);
        }
    }

    /** Output steps per chunk, so that all groups' columns fit in {@link #COLUMN_BUDGET}. */
    private static int chunk(Shapes.Conv s) {
        return (int) Math.max(1, Math.min(s.tout(), COLUMN_BUDGET / ((long) s.groups() * s.columnRows())));
    }


    @Override
    public void conv1d(Tensor y, Tensor x, Tensor w, Tensor bias, int stride, int padLeft, int padRight, int groups) {
        String op = "conv1d";
        Shapes.Conv s = Shapes.conv(op, x, w, stride, padLeft, padRight, groups);
        requireShape(op, "y", y, s.cout(), s.tout());
        if (bias != null) {
            requireShape(op, "bias", bias, s.cout());
            elementwise(Kernel.BROADCAST_COLUMNS, y.size(), ptr(op, y), ptr(op, bias), s.cout(), s.tout());
        }
        int rows = s.columnRows(), chunk = chunk(s);
        CUdeviceptr cols = columns.atLeast((long) s.groups() * rows * chunk);
        for (int t0 = 0; t0 < s.tout(); t0 += chunk) {
            int width = Math.min(chunk, s.tout() - t0);
            im2col(s, ptr(op, x), cols, t0, width);
            // y_g[:, t0 : t0 + width] (+)= w_g [outPerGroup, rows] x columns_g [rows, width]
            gemm(s.outPerGroup(), width, rows, s.groups(),
                    Operand.of(ptr(op, w), rows).batched((long) s.outPerGroup() * rows),
                    Operand.of(cols, width).batched((long) rows * width),
                    Operand.of(offset(ptr(op, y), t0), s.tout()).batched((long) s.outPerGroup() * s.tout()),
                    bias != null);
        }
    }

    private void im2col(Shapes.Conv s, CUdeviceptr x, CUdeviceptr cols, int t0, int width) {
        long n = (long) s.groups() * s.columnRows() * width;
        launch(Kernel.IM2COL, gridFor(n), 1, 1, BLOCK, 1,
                cols, x, s.groups(), s.inPerGroup(), s.tin(), s.k(), s.stride(), s.padLeft(), t0, width);
    }

    @Override
    public void conv1dBackward(Tensor dx, Tensor dw, Tensor dbias, Tensor dy, Tensor x, Tensor w,
                               int stride, int padLeft, int padRight, int groups) {
        String op = "conv1dBackward";
        Shapes.Conv s = Shapes.conv(op, x, w, stride, padLeft, padRight, groups);
        requireShape(op, "dy", dy, s.cout(), s.tout());
        if (dbias != null) {
            requireShape(op, "dbias", dbias, s.cout());
            launch(Kernel.ROW_SUMS_ADD, Math.min(s.cout(), 65535), 1, 1, BLOCK, 1,
                    ptr(op, dbias), ptr(op, dy), s.cout(), s.tout());
        }
        if (dw != null) {
            requireShape(op, "dw", dw, w.shape());
        }
        if (dx != null) {
            requireShape(op, "dx", dx, x.shape());
        }
        if (dw == null && dx == null) {
            return;
        }
        int rows = s.columnRows(), chunk = chunk(s);
        CUdeviceptr cols = columns.atLeast((long) s.groups() * rows * chunk);
        long wStride = (long) s.outPerGroup() * rows, dyStride = (long) s.outPerGroup() * s.tout();
        for (int t0 = 0; t0 < s.tout(); t0 += chunk) {
            int width = Math.min(chunk, s.tout() - t0);
            Operand dyChunk = Operand.of(offset(ptr(op, dy), t0), s.tout()).batched(dyStride);
            Operand colsOperand = Operand.of(cols, width).batched((long) rows * width);
            if (dw != null) {
                // dw_g += dy_g[:, chunk] x columns_g^T
                im2col(s, ptr(op, x), cols, t0, width);
                gemm(s.outPerGroup(), rows, width, s.groups(), dyChunk, colsOperand.transposed(),
                        Operand.of(ptr(op, dw), rows).batched(wStride), true);
            }
            if (dx != null) {
                // columns_g = w_g^T x dy_g[:, chunk], gathered back onto dx by col2im
                gemm(rows, width, s.outPerGroup(), s.groups(), Operand.of(ptr(op, w), rows).batched(wStride).transposed(),
                        dyChunk, colsOperand, false);
                launch(Kernel.COL2IM_ADD, gridFor(dx.size()), 1, 1, BLOCK, 1,
                        ptr(op, dx), cols, s.cin(), s.inPerGroup(), s.tin(), s.k(), s.stride(), s.padLeft(), t0, width);
            }
        }
    }

    // ---------------------------------------------------------------- normalisation

    @Override
    public void layerNorm(Tensor y, Tensor mean, Tensor rstd, Tensor x, Tensor gamma, Tensor beta, float eps) {
        String op = "layerNorm";
        Shapes.Rows shape = Shapes.layerNorm(op, x, mean, rstd, gamma, "y", y, beta);
        int c = shape.width(), rows = shape.rows();
        perRow(Kernel.LAYERNORM_FORWARD, rows, ptr(op, y), ptr(op, mean), ptr(op, rstd), ptr(op, x),
                ptr(op, gamma), ptr(op, beta), rows, c, eps);
    }

    @Override
    public void addLayerNorm(Tensor sum, Tensor y, Tensor mean, Tensor rstd, Tensor a, Tensor b, Tensor gamma,
                             Tensor beta, float eps) {
        String op = "addLayerNorm";
        Shapes.Rows shape = Shapes.layerNorm(op, sum, mean, rstd, gamma, "y", y, beta);
        int c = shape.width(), rows = shape.rows();
        requireShape(op, "a", a, sum.shape());
        requireShape(op, "b", b, sum.shape());
        perRow(Kernel.ADD_LAYERNORM_FORWARD, rows, ptr(op, sum), ptr(op, y), ptr(op, mean), ptr(op, rstd), ptr(op, a),
                ptr(op, b), ptr(op, gamma), ptr(op, beta), rows, c, eps);
    }

    @Override
    public void layerNormBackward(Tensor dx, Tensor dgamma, Tensor dbeta, Tensor dy, Tensor x,
                                  Tensor mean, Tensor rstd, Tensor gamma) {
        String op = "layerNormBackward";
        Shapes.Rows shape = Shapes.layerNorm(op, x, mean, rstd, gamma, "dy", dy, null);
        int c = shape.width(), rows = shape.rows();
        if (dx != null) {
            requireShape(op, "dx", dx, x.shape());
            perRow(Kernel.LAYERNORM_BACKWARD_DX, rows, ptr(op, dx), ptr(op, dy), ptr(op, x), ptr(op, mean),
                    ptr(op, rstd), ptr(op, gamma), rows, c);
        }
        if (dgamma != null || dbeta != null) {
            perColumn(Kernel.LAYERNORM_BACKWARD_PARAMS, c,
                    optional(op, "dgamma", dgamma, c), optional(op, "dbeta", dbeta, c),
                    ptr(op, dy), ptr(op, x), ptr(op, mean), ptr(op, rstd), rows, c);
        }
    }

    @Override
    public void layerNormChannelMajor(Tensor y, Tensor mean, Tensor rstd, Tensor x, Tensor gamma, Tensor beta, float eps) {
        String op = "layerNormChannelMajor";
        Shapes.Rows shape = Shapes.layerNormChannelMajor(op, x, mean, rstd, gamma, "y", y, beta);
        int steps = shape.rows(), c = shape.width();
        elementwise(Kernel.LAYERNORM_CHANNELS_FORWARD, steps, ptr(op, y), ptr(op, mean), ptr(op, rstd), ptr(op, x),
                ptr(op, gamma), ptr(op, beta), c, steps, eps);
    }

    @Override
    public void layerNormChannelMajorBackward(Tensor dx, Tensor dgamma, Tensor dbeta, Tensor dy, Tensor x,
                                              Tensor mean, Tensor rstd, Tensor gamma) {
        String op = "layerNormChannelMajorBackward";
        Shapes.Rows shape = Shapes.layerNormChannelMajor(op, x, mean, rstd, gamma, "dy", dy, null);
        int steps = shape.rows(), c = shape.width();
        if (dx != null) {
            requireShape(op, "dx", dx, x.shape());
            elementwise(Kernel.LAYERNORM_CHANNELS_BACKWARD_DX, steps, ptr(op, dx), ptr(op, dy), ptr(op, x),
                    ptr(op, mean), ptr(op, rstd), ptr(op, gamma), c, steps);
        }
        if (dgamma != null || dbeta != null) {
            perRow(Kernel.LAYERNORM_CHANNELS_BACKWARD_PARAMS, c, optional(op, "dgamma", dgamma, c),
                    optional(op, "dbeta", dbeta, c), ptr(op, dy), ptr(op, x), ptr(op, mean), ptr(op, rstd), c, steps);
        }
    }

    @Override
    public void groupNorm(Tensor y, Tensor mean, Tensor rstd, Tensor x, int groups, Tensor gamma, Tensor beta, float eps) {
        String op = "groupNorm";
        requireGroups(op, x, groups);
        int channels = x.dim(0), steps = x.dim(1);
        requireShape(op, "y", y, x.shape());
        requireSize(op, "mean", mean, groups);
        requireSize(op, "rstd", rstd, groups);
        requireShape(op, "gamma", gamma, channels);
        requireShape(op, "beta", beta, channels);
        launch(Kernel.GROUPNORM_FORWARD, groups, 1, 1, BLOCK, 1, ptr(op, y), ptr(op, mean), ptr(op, rstd), ptr(op, x),
                groups, channels / groups, steps, ptr(op, gamma), ptr(op, beta), eps);
    }

    @Override
    public void groupNormBackward(Tensor dx, Tensor dgamma, Tensor dbeta, Tensor dy, Tensor x, int groups,
                                  Tensor mean, Tensor rstd, Tensor gamma) {
        String op = "groupNormBackward";
        requireGroups(op, x, groups);
        int channels = x.dim(0), steps = x.dim(1);
        requireShape(op, "dy", dy, x.shape());
        requireSize(op, "mean", mean, groups);
        requireSize(op, "rstd", rstd, groups);
        requireShape(op, "gamma", gamma, channels);
        CUdeviceptr dxPointer = dx == null ? null : ptr(op, requireShape(op, "dx", dx, x.shape()));
        launch(Kernel.GROUPNORM_BACKWARD, groups, 1, 1, BLOCK, 1, dxPointer,
                optional(op, "dgamma", dgamma, channels), optional(op, "dbeta", dbeta, channels),
                ptr(op, dy), ptr(op, x), groups, channels / groups, steps, ptr(op, mean), ptr(op, rstd), ptr(op, gamma));
    }

    private static void requireGroups(String op, Tensor x, int groups) {
        requireRank(op, "x", x, 2);
        require(groups >= 1 && x.dim(0) % groups == 0, op,
                () -> "channels " + x.dim(0) + " not divisible by groups " + groups);
    }

    @Override
    public void weightNorm(Tensor w, Tensor g, Tensor v, int dim) {
        String op = "weightNorm";
        Shapes.WeightNormView view = Shapes.weightNorm(op, g, v, dim);
        requireShape(op, "w", w, v.shape());
        int size = view.size();
        CUdeviceptr norms = sliceSums.atLeast(2L * size);
        launch(Kernel.WEIGHTNORM_SLICE_SUMS, size, 1, 1, BLOCK, 1, norms, null, null, ptr(op, v), null,
                view.outer(), size, view.inner());
        elementwise(Kernel.WEIGHTNORM_FORWARD, v.size(), ptr(op, w), ptr(op, g), ptr(op, v), norms,
                v.size(), size, view.inner());
    }

    @Override
    public void weightNormBackward(Tensor dg, Tensor dv, Tensor dw, Tensor g, Tensor v, int dim) {
        String op = "weightNormBackward";
        Shapes.WeightNormView view = Shapes.weightNorm(op, g, v, dim);
        requireShape(op, "dw", dw, v.shape());
        int size = view.size();
        CUdeviceptr norms = sliceSums.atLeast(2L * size);
        CUdeviceptr dots = offset(norms, size);
        launch(Kernel.WEIGHTNORM_SLICE_SUMS, size, 1, 1, BLOCK, 1, norms, dots, optional(op, "dg", dg, size),
                ptr(op, v), ptr(op, dw), view.outer(), size, view.inner());
        if (dv != null) {
            requireShape(op, "dv", dv, v.shape());
            elementwise(Kernel.WEIGHTNORM_BACKWARD_DV, v.size(), ptr(op, dv), ptr(op, dw), ptr(op, g), ptr(op, v),
                    norms, dots, v.size(), size, view.inner());
        }
    }

    // ---------------------------------------------------------------- activations

    @Override
    public void gelu(Tensor y, Tensor x) {
        requireShape("gelu", "y", y, x.shape());
        elementwise(Kernel.GELU_FORWARD, x.size(), ptr("gelu", y), ptr("gelu", x), x.size());
    }

    @Override
    public void geluBackward(Tensor dx, Tensor dy, Tensor x) {
        String op = "geluBackward";
        requireShape(op, "dy", dy, x.shape());
        requireShape(op, "dx", dx, x.shape());
        elementwise(Kernel.GELU_BACKWARD, x.size(), ptr(op, dx), ptr(op, dy), ptr(op, x), x.size());
    }

    @Override
    public void softmax(Tensor y, Tensor x) {
        requireShape("softmax", "y", y, x.shape());
        int c = x.dim(-1), rows = c == 0 ? 0 : x.size() / c;
        perRow(Kernel.SOFTMAX_FORWARD, rows, ptr("softmax", y), ptr("softmax", x), rows, c, 1f);
    }

    @Override
    public void softmaxBackward(Tensor dx, Tensor dy, Tensor y) {
        String op = "softmaxBackward";
        requireShape(op, "dy", dy, y.shape());
        requireShape(op, "dx", dx, y.shape());
        int c = y.dim(-1), rows = c == 0 ? 0 : y.size() / c;
        perRow(Kernel.SOFTMAX_BACKWARD, rows, ptr(op, dx), ptr(op, dy), ptr(op, y), rows, c, 1f, true);
    }

    @Override
    public void logSoftmax(Tensor y, Tensor x) {
        requireShape("logSoftmax", "y", y, x.shape());
        int c = x.dim(-1), rows = c == 0 ? 0 : x.size() / c;
        perRow(Kernel.LOG_SOFTMAX_FORWARD, rows, ptr("logSoftmax", y), ptr("logSoftmax", x), rows, c);
    }

    @Override
    public void logSoftmaxBackward(Tensor dx, Tensor dy, Tensor y) {
        String op = "logSoftmaxBackward";
        requireShape(op, "dy", dy, y.shape());
        requireShape(op, "dx", dx, y.shape());
        int c = y.dim(-1), rows = c == 0 ? 0 : y.size() / c;
        perRow(Kernel.LOG_SOFTMAX_BACKWARD, rows, ptr(op, dx), ptr(op, dy), ptr(op, y), rows, c);
    }

    // ---------------------------------------------------------------- attention

    /**
     * Head h of a [T, H * D] tensor as a batched GEMM operand: rows T apart by the full width,
     * heads D columns apart.
     */
    private static Operand heads(CUdeviceptr base, int width, int d) {
        return Operand.of(base, width).batched(d);
    }

    /** Per-head [T, T] matrices stored one after the other. */
    private static Operand squares(CUdeviceptr base, int t) {
        return Operand.of(base, t).batched((long) t * t);
    }

    @Override
    public void attention(Tensor out, Tensor probs, Tensor q, Tensor k, Tensor v, int heads) {
        String op = "attention";
        Shapes.AttentionHeads g = Shapes.attention(op, q, k, v, probs, heads);
        int t = g.t(), d = g.d(), width = heads * d;
        requireShape(op, "out", out, t, width);
        CUdeviceptr p = ptr(op, probs);
        // probs_h = softmax(q_h k_h^T / sqrt(D)); out_h = probs_h v_h, all heads in one launch each.
        gemm(t, t, d, heads, heads(ptr(op, q), width, d), heads(ptr(op, k), width, d).transposed(), squares(p, t), false);
        perRow(Kernel.SOFTMAX_FORWARD, heads * t, p, p, heads * t, t, (float) (1 / Math.sqrt(d)));
        gemm(t, d, t, heads, squares(p, t), heads(ptr(op, v), width, d), heads(ptr(op, out), width, d), false);
    }

    @Override
    public void attentionBackward(Tensor dq, Tensor dk, Tensor dv, Tensor dout, Tensor q, Tensor k, Tensor v,
                                  Tensor probs, int heads) {
        String op = "attentionBackward";
        Shapes.AttentionHeads g = Shapes.attention(op, q, k, v, probs, heads);
        int t = g.t(), d = g.d(), width = heads * d;
        requireShape(op, "dout", dout, t, width);
        Operand gradOut = heads(ptr(op, dout), width, d);
        Operand p = squares(ptr(op, probs), t);
        if (dv != null) {
            requireShape(op, "dv", dv, t, width);
            gemm(t, d, t, heads, p.transposed(), gradOut, heads(ptr(op, dv), width, d), true);
        }
        if (dq == null && dk == null) {
            return;
        }
        // dS = scale * softmax'(dout_h v_h^T), the gradient of the raw scores q_h k_h^T, in scratch.
        CUdeviceptr ds = scores.atLeast((long) heads * t * t);
        gemm(t, t, d, heads, gradOut, heads(ptr(op, v), width, d).transposed(), squares(ds, t), false);
        perRow(Kernel.SOFTMAX_BACKWARD, heads * t, ds, ds, p.base(), heads * t, t, (float) (1 / Math.sqrt(d)), false);
        if (dq != null) {
            requireShape(op, "dq", dq, t, width);
            gemm(t, d, t, heads, squares(ds, t), heads(ptr(op, k), width, d), heads(ptr(op, dq), width, d), true);
        }
        if (dk != null) {
            requireShape(op, "dk", dk, t, width);
            gemm(t, d, t, heads, squares(ds, t).transposed(), heads(ptr(op, q), width, d), heads(ptr(op, dk), width, d), true);
        }
    }

    // ---------------------------------------------------------------- optimizer

    @Override
    public void adamW(Tensor param, Tensor grad, Tensor m, Tensor v, float lr, float beta1, float beta2,
                      float eps, float weightDecay, int step) {
        String op = "adamW";
        Shapes.adamW(step, param, grad, m, v);
        AdamWScalars scalars = AdamWScalars.of(lr, beta1, beta2, weightDecay, step);
        elementwise(Kernel.ADAMW, param.size(), ptr(op, param), ptr(op, grad), ptr(op, m), ptr(op, v), param.size(),
                beta1, beta2, eps, scalars.decay(), scalars.stepSize(), scalars.invSqrtCorrection2());
    }

    /** What adamw.cu takes precomputed: the decoupled decay factor and the bias corrections of this step. */
    private record AdamWScalars(float decay, float stepSize, float invSqrtCorrection2) {
        static AdamWScalars of(float lr, float beta1, float beta2, float weightDecay, int step) {
            return new AdamWScalars(1 - lr * weightDecay, (float) (lr / (1 - Math.pow(beta1, step))),
                    (float) (1 / Math.sqrt(1 - Math.pow(beta2, step))));
        }
    }

    /** One launch for all tensors, through a device-side table of them built on first use and kept. */
    @Override
    public void adamW(List<Tensor> params, List<Tensor> grads, List<Tensor> m, List<Tensor> v, float lr,
                      float beta1, float beta2, float eps, float weightDecay, int step) {
        Shapes.sameLength("adamW", params, grads, m, v);
        for (int i = 0; i < params.size(); i++) {
            Shapes.adamW(step, params.get(i), grads.get(i), m.get(i), v.get(i));
        }
        int chunks = chunks(params);
        if (chunks == 0) {
            return;
        }
        CudaTensor table = tensorTable("adamW", Kernel.ADAMW_TABLE_SET, ADAMW_ROW_FLOATS, params, grads, m, v);
        AdamWScalars scalars = AdamWScalars.of(lr, beta1, beta2, weightDecay, step);
        launch(Kernel.ADAMW_MULTI, chunks, 1, 1, BLOCK, 1, table.pointer(), params.size(),
                beta1, beta2, eps, scalars.decay(), scalars.stepSize(), scalars.invSqrtCorrection2());
    }

    /** Blocks of a multi-tensor kernel: TENSOR_CHUNK-element chunks, each tensor starting a new one. */
    private static int chunks(List<Tensor> tensors) {
        long chunks = 0;
        for (Tensor t : tensors) {
            chunks += ceilDiv(t.size(), TENSOR_CHUNK);
        }
        return Math.toIntExact(chunks);
    }

    /**
     * The table whose row i points to the i-th tensor of each list and holds its size, filled on the device
     * by {@code setRow} (one launch per row) on first use, then kept for the same lists.
     */
    @SafeVarargs
    private CudaTensor tensorTable(String op, Kernel setRow, int rowFloats, List<Tensor>... columns) {
        List<Object> key = new ArrayList<>();
        key.add(setRow);
        for (List<Tensor> column : columns) {
            key.add(List.copyOf(column));
        }
        return tensorTables.computeIfAbsent(key, k -> {
            int rows = columns[0].size();
            CudaTensor table = (CudaTensor) allocate(Math.max(1, rows * rowFloats));
            for (int i = 0; i < rows; i++) {
                Object[] args = new Object[columns.length + 3];
                args[0] = table.pointer();
                args[1] = i;
                for (int c = 0; c < columns.length; c++) {
                    args[2 + c] = ptr(op, columns[c].get(i));
                }
                args[args.length - 1] = columns[0].get(i).size();
                launch(setRow, 1, 1, 1, 1, 1, args);
            }
            return table;
        });
    }

    // ---------------------------------------------------------------- losses

    @Override
    public void sutaLoss(Tensor dLogits, Tensor stats, Tensor logits, SutaLossConfig config) {
        String op = "sutaLoss";
        Shapes.sutaLoss(dLogits, stats, logits, config);
        int frames = logits.dim(0), classes = logits.dim(1);
        // Scratch as sutaloss.cu lays it out: p [T, C]; lse, H, non-blank, w [T] each; s, A [C] each; the EM scale.
        CUdeviceptr p = lossScratch.atLeast((long) frames * classes + 4L * frames + 2L * classes + 1);
        CUdeviceptr lse = offset(p, (long) frames * classes), entropy = offset(lse, frames);
        CUdeviceptr nonBlank = offset(entropy, frames), weight = offset(nonBlank, frames);
        CUdeviceptr classSums = offset(weight, frames);
        float invTemperature = (float) (1.0 / config.temperature()), emCoef = (float) config.emCoef();
        perRow(Kernel.SUTA_LOSS_FRAMES, frames, p, lse, entropy, nonBlank, ptr(op, logits), frames, classes,
                invTemperature, config.blankId());
        launch(Kernel.SUTA_LOSS_STATS, 1, 1, 1, BLOCK, 1, ptr(op, stats), weight, classSums, p, entropy, nonBlank,
                frames, classes, emCoef, config.emNonBlankOnly(), config.mccReweight(), config.mccClasses());
        perRow(Kernel.SUTA_LOSS_GRAD, frames, ptr(op, dLogits), ptr(op, logits), p, lse, nonBlank, weight, classSums,
                frames, classes, invTemperature, emCoef, config.emNonBlankOnly(), config.mccClasses());
    }

    // ---------------------------------------------------------------- launching

    /** Blocks for a grid-stride loop over n elements: enough to fill the GPU, no more. */
    private int gridFor(long n) {
        return (int) Math.max(1, Math.min(ceilDiv(n, BLOCK), 32L * device.multiprocessors()));
    }

    /** A one-thread-per-element kernel over n elements. */
    private void elementwise(Kernel kernel, int n, Object... args) {
        if (n > 0) {
            launch(kernel, gridFor(n), 1, 1, BLOCK, 1, args);
        }
    }

    /** A column-sum kernel over {@code columns} columns: blocks of 32 columns x 32 row strides. */
    private void perColumn(Kernel kernel, int columns, Object... args) {
        if (columns > 0) {
            launch(kernel, ceilDiv(columns, 32), 1, 1, 32, 32, args);
        }
    }

    /** A one-warp-per-row kernel over {@code rows} rows. */
    private void perRow(Kernel kernel, int rows, Object... args) {
        if (rows > 0) {
            launch(kernel, ceilDiv(rows, ROWS_PER_BLOCK), 1, 1, BLOCK, 1, args);
        }
    }

    /**
     * Launches a kernel on the default stream. Arguments map to the kernel's parameters in
     * order: a device pointer (null for a null pointer), Integer to int, Boolean to int 0 or 1,
     * Long to long, Float to float; they must match the kernel's signature.
     */
    private void launch(Kernel kernel, int gridX, int gridY, int gridZ, int blockX, int blockY, Object... args) {
        makeCurrent();
        if (args.length != kernel.signature.length()) {
            throw new IllegalStateException(kernel.symbol + " takes " + kernel.signature.length() + " arguments, got " + args.length);
        }
        for (int i = 0; i < args.length; i++) {
            if (!fits(kernel.signature.charAt(i), args[i])) {
                throw new IllegalStateException(kernel.symbol + ": argument " + i + " (" + args[i]
                        + ") does not fit its signature " + kernel.signature);
            }
        }
        device.launch(kernel, gridX, gridY, gridZ, blockX, blockY, args);
        launches++;
    }

    private static boolean fits(char type, Object arg) {
        return switch (type) {
            case 'p' -> arg == null || arg instanceof CUdeviceptr;
            case 'i' -> arg instanceof Integer || arg instanceof Boolean;
            case 'l' -> arg instanceof Long;
            case 'f' -> arg instanceof Float;
            default -> false;
        };
    }

    /** The device pointer of a tensor this backend owns. */
    private CUdeviceptr ptr(String op, Tensor t) {
        if (t instanceof CudaTensor cuda && cuda.owner() == this) {
            return cuda.pointer();
        }
        throw new IllegalArgumentException(op + ": " + (t == null ? "null tensor" : "not a tensor of " + name() + ": " + t));
    }

    /** The pointer of an optional gradient of {@code size} elements, or null when it is not wanted. */
    private CUdeviceptr optional(String op, String name, Tensor t, int size) {
        if (t == null) {
            return null;
        }
        requireSize(op, name, t, size);
        return ptr(op, t);
    }

    /** The address {@code floats} elements past {@code base}. */
    private static CUdeviceptr offset(CUdeviceptr base, long floats) {
        return base.withByteOffset(floats * Sizeof.FLOAT);
    }

    private static int ceilDiv(long a, int b) {
        return (int) ((a + b - 1) / b);
    }

    /** A device buffer that only grows: scratch reused by every call of an op. */
    private final class Scratch {
        private DeviceMemory.Block block;

        /** The buffer, grown to at least {@code floats} elements; its contents are garbage. */
        CUdeviceptr atLeast(long floats) {
            long bytes = Math.max(1, floats) * Sizeof.FLOAT;
            if (block == null || block.bytes() < bytes) {
                if (block != null) {
                    memory.release(block);
                }
                block = memory.take(bytes);
            }
            return block.pointer();
        }
    }
}
