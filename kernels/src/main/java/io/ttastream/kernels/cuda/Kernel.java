package io.ttastream.kernels.cuda;

/**
 * Every kernel {@link CudaBackend} launches: the module (the CUDA source file under
 * src/main/cuda, without .cu) and the extern "C" name it has in that module's PTX.
 */
enum Kernel {
    ADD("elementwise", "add_kernel"),
    AXPY("elementwise", "axpy_kernel"),
    SCALE("elementwise", "scale_kernel"),
    MUL("elementwise", "mul_kernel"),
    PARTIAL_SUMS("elementwise", "partial_sums_kernel"),
    FINAL_SUM("elementwise", "final_sum_kernel"),
    TRANSPOSE("elementwise", "transpose_kernel"),
    SGEMM("matmul", "sgemm_kernel"),
    SGEMM_TF32("matmul", "sgemm_tf32_kernel"),
    BROADCAST_ROWS("linear", "broadcast_rows_kernel"),
    COLUMN_SUMS_ADD("linear", "column_sums_add_kernel"),
    IM2COL("conv1d", "im2col_kernel"),
    COL2IM_ADD("conv1d", "col2im_add_kernel"),
    BROADCAST_COLUMNS("conv1d", "broadcast_columns_kernel"),
    ROW_SUMS_ADD("conv1d", "row_sums_add_kernel"),
    LAYERNORM_FORWARD("layernorm", "layernorm_forward_kernel"),
    LAYERNORM_BACKWARD_DX("layernorm", "layernorm_backward_dx_kernel"),
    LAYERNORM_BACKWARD_PARAMS("layernorm", "layernorm_backward_params_kernel"),
    GROUPNORM_FORWARD("groupnorm", "groupnorm_forward_kernel"),
    GROUPNORM_BACKWARD("groupnorm", "groupnorm_backward_kernel"),
    WEIGHTNORM_SLICE_SUMS("weightnorm", "weightnorm_slice_sums_kernel"),
    WEIGHTNORM_FORWARD("weightnorm", "weightnorm_forward_kernel"),
    WEIGHTNORM_BACKWARD_DV("weightnorm", "weightnorm_backward_dv_kernel"),
    GELU_FORWARD("gelu", "gelu_forward_kernel"),
    GELU_BACKWARD("gelu", "gelu_backward_kernel"),
    SOFTMAX_FORWARD("softmax", "softmax_forward_kernel"),
    SOFTMAX_BACKWARD("softmax", "softmax_backward_kernel"),
    LOG_SOFTMAX_FORWARD("softmax", "log_softmax_forward_kernel"),
    LOG_SOFTMAX_BACKWARD("softmax", "log_softmax_backward_kernel"),
    ADAMW("adamw", "adamw_kernel");

    final String module;
    final String symbol;

    Kernel(String module, String symbol) {
        this.module = module;
        this.symbol = symbol;
    }
}
