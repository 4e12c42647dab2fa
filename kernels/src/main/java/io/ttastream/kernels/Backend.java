package io.ttastream.kernels;

import io.ttastream.kernels.loss.SutaLoss;
import io.ttastream.kernels.loss.SutaLossConfig;

import java.util.Arrays;
import java.util.List;

/**
 * The tensor operations the wav2vec2 CTC model, its losses and its optimizer need, each with its
 * backward. {@link CpuBackend} is the reference every other backend must match.
 *
 * <h2>Conventions</h2>
 * <ul>
 *   <li>All tensors are float32, row-major, batch size one. Sequence activations are
 *       {@code [T, C]} (time-major); the CNN feature extractor works on {@code [C, T]}
 *       (channel-major), as PyTorch's Conv1d does.</li>
 *   <li>The caller allocates every output. Forward ops overwrite their output.</li>
 *   <li>Backward ops <b>add</b> into their gradient outputs ({@code dx += ...}), so gradients of
 *       a value used twice (a residual) accumulate; the caller zeroes gradients first. A
 *       {@code null} gradient output is not computed at all: that is how the model asks for no
 *       parameter gradient it does not need.</li>
 *   <li>Weights use PyTorch's layouts: Linear {@code [out, in]}, Conv1d
 *       {@code [out, in / groups, kernel]}.</li>
 *   <li>Shapes are checked; a mismatch throws {@link IllegalArgumentException} naming the op.</li>
 * </ul>
 */
public interface Backend extends AutoCloseable {

    /** A short name for logs: "cpu", "cuda:0". */
    String name();

    // ---------------------------------------------------------------- memory

    /** A new zero-filled tensor. */
    Tensor allocate(int... shape);

    /** A new tensor holding a copy of {@code values} (length must equal the shape's size). */
    default Tensor fromArray(float[] values, int... shape) {
        Tensor t = allocate(shape);
        Shapes.require(values.length == t.size(), "fromArray", () -> values.length + " values for shape " + Arrays.toString(shape));
        t.copyFrom(values);
        return t;
    }

    /** dst = src (same size; shapes may differ, as in a reshape). */
    void copy(Tensor dst, Tensor src);

    /** Every element of {@code t} = value. */
    void fill(Tensor t, float value);

    // ---------------------------------------------------------------- elementwise and reductions

    /** out = a + b (same shapes; {@code out} may alias either input). */
    void add(Tensor out, Tensor a, Tensor b);

    /** y += alpha * x (same sizes). */
    void axpy(Tensor y, float alpha, Tensor x);

    /** out = alpha * x ({@code out} may alias {@code x}). */
    void scale(Tensor out, Tensor x, float alpha);

    /** out = a * b elementwise ({@code out} may alias either input). */
    void mul(Tensor out, Tensor a, Tensor b);

    /** Sum of all elements, returned to the host. */
    float sum(Tensor x);

    /** Sum of squares of all elements, returned to the host (for norms and clipping). */
    float sumOfSquares(Tensor x);

    /** True when every element is finite (no NaN or infinity). */
    boolean allFinite(Tensor x);

    /** Sum of squares over all elements of all the tensors (a global gradient norm), in one host round trip on a GPU. */
    default float sumOfSquares(List<Tensor> tensors) {
        double total = 0;
        for (Tensor x : tensors) {
            total += sumOfSquares(x);
        }
        return (float) total;
    }

    /** True when every element of every tensor is finite, in one host round trip on a GPU. */
    default boolean allFinite(List<Tensor> tensors) {
        return tensors.stream().allMatch(this::allFinite);
    }

    /** y[j, i] = x[i, j] for 2-D {@code x} of shape [R, C]; {@code y} is [C, R]. */
    void transpose(Tensor y, Tensor x);

    /** Backward of {@link #transpose}: dx += transpose(dy). */
    void transposeBackward(Tensor dx, Tensor dy);

    // ---------------------------------------------------------------- products

    /**
     * out = op(a) * op(b), where op transposes when asked; plus the old out when {@code accumulate}.
     * 2-D only: op(a) is [M, K], op(b) is [K, N], out is [M, N].
     * Its backward is two more matmuls, which callers write out (see {@link #linearBackward}).
     */
    void matmul(Tensor out, Tensor a, boolean transA, Tensor b, boolean transB, boolean accumulate);

    /** y[T, out] = x[T, in] * w[out, in]^T + bias[out] ({@code bias} may be null). */
    void linear(Tensor y, Tensor x, Tensor w, Tensor bias);

    /** Backward of {@link #linear}: dx += dy w, dw += dy^T x, dbias += column sums of dy. */
    void linearBackward(Tensor dx, Tensor dw, Tensor dbias, Tensor dy, Tensor x, Tensor w);

    /**
     * 1-D convolution, PyTorch's Conv1d with zero padding {@code padLeft} before and
     * {@code padRight} after the input (asymmetric padding expresses wav2vec2's "same" padding of
     * an even kernel without a slice).
     * x [Cin, Tin], w [Cout, Cin / groups, K], bias [Cout] or null, y [Cout, Tout] with
     * Tout = (Tin + padLeft + padRight - K) / stride + 1.
     */
    void conv1d(Tensor y, Tensor x, Tensor w, Tensor bias, int stride, int padLeft, int padRight, int groups);

    /** Backward of {@link #conv1d}. */
    void conv1dBackward(Tensor dx, Tensor dw, Tensor dbias, Tensor dy, Tensor x, Tensor w,
                        int stride, int padLeft, int padRight, int groups);

    // ---------------------------------------------------------------- normalisation

    /**
     * Layer norm over the last dimension of x [N, C]: y = (x - mean) * rstd * gamma + beta.
     * Saves mean [N] and rstd [N] (1 / sqrt(var + eps), biased variance) for the backward.
     */
    void layerNorm(Tensor y, Tensor mean, Tensor rstd, Tensor x, Tensor gamma, Tensor beta, float eps);

    /**
     * A residual add and the layer norm after it, fused where a backend can (one pass, one launch): sum = a + b,
     * then {@link #layerNorm} of sum into y, saving mean and rstd. sum may be a or b. The backward is
     * {@link #layerNormBackward} on sum, whose dx is the gradient of both a and b.
     */
    default void addLayerNorm(Tensor sum, Tensor y, Tensor mean, Tensor rstd, Tensor a, Tensor b, Tensor gamma,
                              Tensor beta, float eps) {
        add(sum, a, b);
        layerNorm(y, mean, rstd, sum, gamma, beta, eps);
    }

    /** Backward of {@link #layerNorm}. */
    void layerNormBackward(Tensor dx, Tensor dgamma, Tensor dbeta, Tensor dy, Tensor x,
                           Tensor mean, Tensor rstd, Tensor gamma);

    /**
     * Layer norm over the channels of a channel-major x [C, T]: each time step's C values are normalised like a
     * row of {@link #layerNorm}, saving mean [T] and rstd [T], without transposing to [T, C] and back (the
     * feature encoder of large/lv60 models normalises every convolution's output this way).
     */
    void layerNormChannelMajor(Tensor y, Tensor mean, Tensor rstd, Tensor x, Tensor gamma, Tensor beta, float eps);

    /** Backward of {@link #layerNormChannelMajor}. */
    void layerNormChannelMajorBackward(Tensor dx, Tensor dgamma, Tensor dbeta, Tensor dy, Tensor x,
                                       Tensor mean, Tensor rstd, Tensor gamma);

    /**
     * Group norm of x [C, T] with {@code groups} groups (PyTorch's GroupNorm on one item): each
     * group's statistics span its C / groups channels and all T steps; gamma and beta are per
     * channel. Saves mean [groups] and rstd [groups].
     */
    void groupNorm(Tensor y, Tensor mean, Tensor rstd, Tensor x, int groups, Tensor gamma, Tensor beta, float eps);

    /** Backward of {@link #groupNorm}. */
    void groupNormBackward(Tensor dx, Tensor dgamma, Tensor dbeta, Tensor dy, Tensor x, int groups,
                           Tensor mean, Tensor rstd, Tensor gamma);

    /**
     * PyTorch's {@code torch._weight_norm(v, g, dim)}: w = g * v / ||v||, the norm taken over every
     * dimension except {@code dim}; g has v's rank with size 1 in every dimension except {@code dim}.
     */
    void weightNorm(Tensor w, Tensor g, Tensor v, int dim);

    /** Backward of {@link #weightNorm}. */
    void weightNormBackward(Tensor dg, Tensor dv, Tensor dw, Tensor g, Tensor v, int dim);

    // ---------------------------------------------------------------- activations

    /** y = GELU(x), the exact erf form (PyTorch's default, Hugging Face's "gelu"). */
    void gelu(Tensor y, Tensor x);

    /** Backward of {@link #gelu}. */
    void geluBackward(Tensor dx, Tensor dy, Tensor x);

    /** Softmax over the last dimension. */
    void softmax(Tensor y, Tensor x);

    /** Backward of {@link #softmax}, from its output y. */
    void softmaxBackward(Tensor dx, Tensor dy, Tensor y);

    /** Log-softmax over the last dimension. */
    void logSoftmax(Tensor y, Tensor x);

    /** Backward of {@link #logSoftmax}, from its output y. */
    void logSoftmaxBackward(Tensor dx, Tensor dy, Tensor y);

    // ---------------------------------------------------------------- attention

    /**
     * Multi-head scaled dot-product self-attention without masking. q, k, v, out are [T, H * D]
     * with head h in columns [h * D, (h + 1) * D). For each head:
     * probs = softmax(q_h k_h^T / sqrt(D)), out_h = probs v_h. Saves probs [H, T, T].
     */
    void attention(Tensor out, Tensor probs, Tensor q, Tensor k, Tensor v, int heads);

    /** Backward of {@link #attention}. */
    void attentionBackward(Tensor dq, Tensor dk, Tensor dv, Tensor dout, Tensor q, Tensor k, Tensor v,
                           Tensor probs, int heads);

    // ---------------------------------------------------------------- losses

    /** Entries of the {@link #sutaLoss} statistics tensor. */
    int SUTA_EM = 0, SUTA_MCC = 1, SUTA_TOTAL = 2, SUTA_COLLAPSED = 3, SUTA_MEAN_ENTROPY = 4, SUTA_STATS = 5;

    /**
     * SUTA's unsupervised loss on logits [T, C] with its gradient ({@link SutaLoss} defines both): softmax with
     * temperature, entropy minimisation, minimum class confusion, in one op so that a SUTA step on a GPU stays
     * on the device. Writes dLogits [T, C] and stats [SUTA_STATS]: EM, MCC, total, collapsed (1 or 0) and the
     * mean entropy over all frames.
     */
    void sutaLoss(Tensor dLogits, Tensor stats, Tensor logits, SutaLossConfig config);

    // ---------------------------------------------------------------- optimizer

    /**
     * One AdamW step (PyTorch's torch.optim.AdamW, decoupled weight decay, bias-corrected), in
     * place on param, m and v. {@code step} is the 1-based step count after this update.
     */
    void adamW(Tensor param, Tensor grad, Tensor m, Tensor v, float lr, float beta1, float beta2,
               float eps, float weightDecay, int step);

    /**
     * {@link #adamW} on every parameter of a list at once, the i-th parameter with the i-th gradient
     * and moments: what an optimizer step does to all trainable tensors. A GPU does it in one launch.
     */
    default void adamW(List<Tensor> params, List<Tensor> grads, List<Tensor> m, List<Tensor> v, float lr,
                       float beta1, float beta2, float eps, float weightDecay, int step) {
        Shapes.sameLength("adamW", params, grads, m, v);
        for (int i = 0; i < params.size(); i++) {
            adamW(params.get(i), grads.get(i), m.get(i), v.get(i), lr, beta1, beta2, eps, weightDecay, step);
        }
    }

    /** Releases everything the backend holds; a no-op on the CPU. */
    @Override
    default void close() {
    }
}
