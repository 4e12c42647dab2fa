package io.ttastream.kernels;

import io.ttastream.kernels.loss.SutaLossConfig;

import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * The argument checks every {@link Backend} makes before it touches memory, so that a shape
 * mismatch fails the same way on every backend: an {@link IllegalArgumentException} whose
 * message starts with the op's name.
 */
public final class Shapes {
    private Shapes() {
    }

    /** Throws "op: problem" unless {@code ok}. */
    public static void require(boolean ok, String op, Supplier<String> problem) {
        if (!ok) {
            throw new IllegalArgumentException(op + ": " + problem.get());
        }
    }

    /** {@code t}, after checking that it is not null and has exactly {@code shape}. */
    public static Tensor requireShape(String op, String name, Tensor t, int... shape) {
        require(t != null, op, () -> name + " is null");
        require(Arrays.equals(t.shape(), shape), op,
                () -> name + " has shape " + Arrays.toString(t.shape()) + ", expected " + Arrays.toString(shape));
        return t;
    }

    /** Checks that {@code t} is not null and has {@code size} elements, whatever its shape. */
    public static void requireSize(String op, String name, Tensor t, int size) {
        require(t != null, op, () -> name + " is null");
        require(t.size() == size, op, () -> name + " " + Arrays.toString(t.shape()) + " has " + t.size()
                + " elements, expected " + size);
    }

    /** Checks that {@code t} is not null and has {@code rank} dimensions. */
    public static void requireRank(String op, String name, Tensor t, int rank) {
        require(t != null, op, () -> name + " is null");
        require(t.rank() == rank, op, () -> name + " " + Arrays.toString(t.shape()) + " must have rank " + rank);
    }

    /** The number of rows of an activation whose last dimension must be {@code width}. */
    public static int rowsOf(String op, String name, Tensor x, int width) {
        require(x.dim(-1) == width, op, () -> name + " " + Arrays.toString(x.shape()) + " must end in " + width);
        return width == 0 ? 0 : x.size() / width;
    }

    /** The checked geometry of one conv1d call: channels, lengths, kernel, groups, stride and left padding. */
    public record Conv(int cin, int tin, int cout, int k, int tout, int groups, int stride, int padLeft) {
        public int inPerGroup() {
            return cin / groups;
        }

        public int outPerGroup() {
            return cout / groups;
        }

        /** Rows of a group's im2col matrix: one per (input channel, kernel tap). */
        public int columnRows() {
            return inPerGroup() * k;
        }
    }

    /** Checks a conv1d's input {@code x [Cin, T]} and weight {@code w [Cout, Cin / groups, K]} and returns its geometry. */
    public static Conv conv(String op, Tensor x, Tensor w, int stride, int padLeft, int padRight, int groups) {
        requireRank(op, "x", x, 2);
        requireRank(op, "w", w, 3);
        require(stride >= 1 && padLeft >= 0 && padRight >= 0 && groups >= 1, op,
                () -> "bad stride " + stride + ", padding " + padLeft + "/" + padRight + " or groups " + groups);
        int cin = x.dim(0), tin = x.dim(1), cout = w.dim(0), k = w.dim(2);
        require(cin % groups == 0 && cout % groups == 0, op,
                () -> "channels " + cin + " in / " + cout + " out not divisible by groups " + groups);
        require(w.dim(1) == cin / groups, op,
                () -> "w " + Arrays.toString(w.shape()) + " needs " + cin / groups + " input channels per group");
        int span = tin + padLeft + padRight - k;
        require(span >= 0, op, () -> "kernel " + k + " longer than the padded input " + (tin + padLeft + padRight));
        return new Conv(cin, tin, cout, k, span / stride + 1, groups, stride, padLeft);
    }

    /** v of weight norm viewed as [outer, size, inner] around the kept dimension. */
    public record WeightNormView(int outer, int size, int inner) {
    }

    /** Checks weight norm's {@code g} (ones except along {@code dim}) against {@code v} and views v around dim. */
    public static WeightNormView weightNorm(String op, Tensor g, Tensor v, int dim) {
        require(dim >= 0 && dim < v.rank(), op, () -> "dim " + dim + " out of range for v " + Arrays.toString(v.shape()));
        int[] gShape = new int[v.rank()];
        Arrays.fill(gShape, 1);
        gShape[dim] = v.dim(dim);
        requireShape(op, "g", g, gShape);
        int outer = 1, inner = 1;
        for (int i = 0; i < dim; i++) {
            outer *= v.dim(i);
        }
        for (int i = dim + 1; i < v.rank(); i++) {
            inner *= v.dim(i);
        }
        return new WeightNormView(outer, v.dim(dim), inner);
    }

    /** Attention's head geometry: sequence length, heads, and width per head. */
    public record AttentionHeads(int t, int heads, int d) {
    }

    /** Checks attention's q, k, v {@code [T, heads * D]} and probs {@code [heads, T, T]}. */
    public static AttentionHeads attention(String op, Tensor q, Tensor k, Tensor v, Tensor probs, int heads) {
        requireRank(op, "q", q, 2);
        int t = q.dim(0), width = q.dim(1);
        require(heads >= 1 && width % heads == 0, op, () -> "width " + width + " not divisible by heads " + heads);
        requireShape(op, "k", k, t, width);
        requireShape(op, "v", v, t, width);
        requireShape(op, "probs", probs, heads, t, t);
        return new AttentionHeads(t, heads, width / heads);
    }

    /** The sizes of {@code out [m, n] = op(a) [m, k] x op(b) [k, n]}. */
    public record MatmulDims(int m, int n, int k) {
    }

    /** Checks a matrix product's operands (op = transpose when asked) and output. */
    public static MatmulDims matmul(Tensor out, Tensor a, boolean transA, Tensor b, boolean transB) {
        requireRank("matmul", "a", a, 2);
        requireRank("matmul", "b", b, 2);
        int m = transA ? a.dim(1) : a.dim(0);
        int k = transA ? a.dim(0) : a.dim(1);
        int kb = transB ? b.dim(1) : b.dim(0);
        int n = transB ? b.dim(0) : b.dim(1);
        require(k == kb, "matmul", () -> "inner dimensions differ: op(a) " + m + "x" + k + ", op(b) " + kb + "x" + n);
        requireShape("matmul", "out", out, m, n);
        return new MatmulDims(m, n, k);
    }

    /** A linear layer's sizes: rows of x, input and output features. */
    public record LinearDims(int rows, int in, int out) {
    }

    /** Checks a linear layer's weight {@code w [out, in]} and input {@code x [..., in]}. */
    public static LinearDims linear(String op, Tensor x, Tensor w) {
        requireRank(op, "w", w, 2);
        int out = w.dim(0), in = w.dim(1);
        return new LinearDims(rowsOf(op, "x", x, in), in, out);
    }

    /** Rows of a row-wise normalisation and their width. */
    public record Rows(int rows, int width) {
    }

    /**
     * Checks a layer norm's operands against {@code x [..., C]}: per-row mean and rstd, gamma [C], {@code io}
     * (y of a forward, dy of a backward, named {@code ioName}) shaped like x, and beta [C] when not null.
     */
    public static Rows layerNorm(String op, Tensor x, Tensor mean, Tensor rstd, Tensor gamma, String ioName,
                                 Tensor io, Tensor beta) {
        int c = x.dim(-1), rows = x.size() / Math.max(1, c);
        requireSize(op, "mean", mean, rows);
        requireSize(op, "rstd", rstd, rows);
        return normOperands(op, new Rows(rows, c), x, gamma, ioName, io, beta);
    }

    /**
     * As {@link #layerNorm} for a channel-major {@code x [C, T]} normalised over its channels: the result has a
     * row per time step and the channels as its width.
     */
    public static Rows layerNormChannelMajor(String op, Tensor x, Tensor mean, Tensor rstd, Tensor gamma,
                                             String ioName, Tensor io, Tensor beta) {
        requireRank(op, "x", x, 2);
        int c = x.dim(0), steps = x.dim(1);
        requireShape(op, "mean", mean, steps);
        requireShape(op, "rstd", rstd, steps);
        return normOperands(op, new Rows(steps, c), x, gamma, ioName, io, beta);
    }

    private static Rows normOperands(String op, Rows rows, Tensor x, Tensor gamma, String ioName, Tensor io,
                                     Tensor beta) {
        requireShape(op, "gamma", gamma, rows.width());
        requireShape(op, ioName, io, x.shape());
        if (beta != null) {
            requireShape(op, "beta", beta, rows.width());
        }
        return rows;
    }

    /** Checks the SUTA loss's operands: logits [T, C] with the blank among the classes, dLogits like them, stats. */
    public static void sutaLoss(Tensor dLogits, Tensor stats, Tensor logits, SutaLossConfig config) {
        String op = "sutaLoss";
        requireRank(op, "logits", logits, 2);
        requireShape(op, "dLogits", dLogits, logits.shape());
        requireShape(op, "stats", stats, Backend.SUTA_STATS);
        require(config.blankId() < logits.dim(1), op, () -> "blankId " + config.blankId() + " >= classes " + logits.dim(1));
    }

    /** Checks AdamW's step and that gradient and moments have the parameter's shape. */
    public static void adamW(int step, Tensor param, Tensor grad, Tensor m, Tensor v) {
        String op = "adamW";
        require(step >= 1, op, () -> "step must be >= 1, got " + step);
        requireShape(op, "grad", grad, param.shape());
        requireShape(op, "m", m, param.shape());
        requireShape(op, "v", v, param.shape());
    }

    /** The lists of a multi-tensor op hold one entry per tensor: all the same length. */
    @SafeVarargs
    public static void sameLength(String op, List<Tensor>... lists) {
        for (List<Tensor> list : lists) {
            require(list.size() == lists[0].size(), op, () -> "tensor lists of different lengths: "
                    + Arrays.stream(lists).map(l -> Integer.toString(l.size())).toList());
        }
    }
}
