package io.ttastream.adaptation.loss;

/** Row-wise log-softmax of a row-major [rows, columns] float matrix, computed in double. */
final class LogSoftmax {

    private LogSoftmax() {}

    /** Returns log softmax(scale * x) for every row, as a new double array of the same shape. */
    static double[] rows(float[] x, int rows, int columns, double scale) {
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

    /** Rejects a logits array whose length does not match [frames, classes]. */
    static void checkShape(float[] logits, int frames, int classes) {
        if (frames < 1 || classes < 1) {
            throw new IllegalArgumentException("need frames >= 1 and classes >= 1, got " + frames + " x " + classes);
        }
        if (logits.length != frames * classes) {
            throw new IllegalArgumentException(
                    "logits length " + logits.length + " != frames * classes = " + frames + " * " + classes);
        }
    }
}
