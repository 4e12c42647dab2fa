package io.ttastream.kernels.loss;

/** Row-wise log-softmax of a row-major [rows, columns] float matrix, computed in double, and its argmax. */
public final class LogSoftmax {

    private LogSoftmax() {}

    /** Returns log softmax(scale * x) for every row, as a new double array of the same shape. */
    public static double[] rows(float[] x, int rows, int columns, double scale) {
        double[] out = new double[rows * columns];
        for (int r = 0; r < rows; r++) {
            int base = r * columns;
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < columns; c++) max = Math.max(max, scale * x[base + c]);
            double sum = 0;
            for (int c = 0; c < columns; c++) sum += Math.exp(scale * x[base + c] - max);
            double logNorm = max + Math.log(sum);
            for (int c = 0; c < columns; c++) out[base + c] = scale * x[base + c] - logNorm;
        }
        return out;
    }

    /** log(exp(a) + exp(b)) without overflow, treating -infinity as probability 0. */
    public static double logAdd(double a, double b) {
        if (a == Double.NEGATIVE_INFINITY) return b;
        if (b == Double.NEGATIVE_INFINITY) return a;
        double max = Math.max(a, b);
        return max + Math.log1p(Math.exp(-Math.abs(a - b)));
    }

    /** Each row's highest-scoring column, the first on ties (what a greedy CTC decoder emits). */
    public static int[] argmax(float[] x, int columns) {
        if (columns < 1 || x.length % columns != 0) {
            throw new IllegalArgumentException("logits length " + x.length + " is not a multiple of " + columns);
        }
        int[] ids = new int[x.length / columns];
        for (int r = 0; r < ids.length; r++) {
            int best = 0;
            for (int c = 1; c < columns; c++) {
                if (x[r * columns + c] > x[r * columns + best]) best = c;
            }
            ids[r] = best;
        }
        return ids;
    }

    /** Rejects a logits array whose length does not match [frames, classes]. */
    public static void checkShape(float[] logits, int frames, int classes) {
        if (frames < 1 || classes < 1) {
            throw new IllegalArgumentException("need frames >= 1 and classes >= 1, got " + frames + " x " + classes);
        }
        if (logits.length != frames * classes) {
            throw new IllegalArgumentException(
                    "logits length " + logits.length + " != frames * classes = " + frames + " * " + classes);
        }
    }
}
