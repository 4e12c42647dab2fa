package io.ttastream.kernels.cuda;

/**
 * Every kernel {@link CudaBackend} launches: the module (the CUDA source file under
 * src/main/cuda, without .cu), the extern "C" name it has in that module's PTX, and its
 * parameters, one letter each: p a device pointer, i an int, l a long, f a float.
 *
 * <p>A kernel takes its arguments as raw bytes, so an argument of the wrong size or order would
 * not fail but compute garbage: {@link CudaBackend} checks every launch against the signature,
 * and KernelLibraryTest checks every signature against the PTX.
 */
enum Kernel {
    ADD("elementwise", "add_kernel", "pppi"),
    AXPY("elementwise", "axpy_kernel", "pfpi"),
    SCALE("elementwise", "scale_kernel", "ppfi"),
    MUL("elementwise", "mul_kernel", "pppi"),
    PARTIAL_SUMS("elementwise", "partial_sums_kernel", "ppii"),
    FINAL_SUM("elementwise", "final_sum_kernel", "ppi"),
    TENSOR_REF_SET("elementwise", "tensor_ref_set_kernel", "pipi"),
    MULTI_PARTIAL_SUMS("elementwise", "multi_partial_sums_kernel", "ppii"),
    TRANSPOSE("elementwise", "transpose_kernel", "ppiii"),
    SGEMM("matmul", "sgemm_kernel", "iiipilipilipili"),
    SGEMM_TF32("matmul", "sgemm_tf32_kernel", "iiipilipilipili"),
    BROADCAST_ROWS("linear", "broadcast_rows_kernel", "ppii"),
    COLUMN_SUMS_ADD("linear", "column_sums_add_kernel", "ppii"),
    IM2COL("conv1d", "im2col_kernel", "ppiiiiiiii"),
    COL2IM_ADD("conv1d", "col2im_add_kernel", "ppiiiiiiii"),
    BROADCAST_COLUMNS("conv1d", "broadcast_columns_kernel", "ppii"),
    ROW_SUMS_ADD("conv1d", "row_sums_add_kernel", "ppii"),
    LAYERNORM_FORWARD("layernorm", "layernorm_forward_kernel", "ppppppiif"),
    ADD_LAYERNORM_FORWARD("layernorm", "add_layernorm_forward_kernel", "ppppppppiif"),
    LAYERNORM_BACKWARD_DX("layernorm", "layernorm_backward_dx_kernel", "ppppppii"),
    LAYERNORM_BACKWARD_PARAMS("layernorm", "layernorm_backward_params_kernel", "ppppppii"),
    LAYERNORM_CHANNELS_FORWARD("layernorm", "layernorm_channels_forward_kernel", "ppppppiif"),
    LAYERNORM_CHANNELS_BACKWARD_DX("layernorm", "layernorm_channels_backward_dx_kernel", "ppppppii"),
    LAYERNORM_CHANNELS_BACKWARD_PARAMS("layernorm", "layernorm_channels_backward_params_kernel", "ppppppii"),
    GROUPNORM_FORWARD("groupnorm", "groupnorm_forward_kernel", "ppppiiippf"),
    GROUPNORM_BACKWARD("groupnorm", "groupnorm_backward_kernel", "pppppiiippp"),
    WEIGHTNORM_SLICE_SUMS("weightnorm", "weightnorm_slice_sums_kernel", "pppppiii"),
    WEIGHTNORM_FORWARD("weightnorm", "weightnorm_forward_kernel", "ppppiii"),
    WEIGHTNORM_BACKWARD_DV("weightnorm", "weightnorm_backward_dv_kernel", "ppppppiii"),
    GELU_FORWARD("gelu", "gelu_forward_kernel", "ppi"),
    GELU_BACKWARD("gelu", "gelu_backward_kernel", "pppi"),
    SUTA_LOSS_FRAMES("sutaloss", "suta_loss_frames_kernel", "pppppiifi"),
    SUTA_LOSS_STATS("sutaloss", "suta_loss_stats_kernel", "ppppppiifiii"),
    SUTA_LOSS_GRAD("sutaloss", "suta_loss_grad_kernel", "pppppppiiffii"),
    SOFTMAX_FORWARD("softmax", "softmax_forward_kernel", "ppiif"),
    SOFTMAX_BACKWARD("softmax", "softmax_backward_kernel", "pppiifi"),
    LOG_SOFTMAX_FORWARD("softmax", "log_softmax_forward_kernel", "ppii"),
    LOG_SOFTMAX_BACKWARD("softmax", "log_softmax_backward_kernel", "pppii"),
    ADAMW("adamw", "adamw_kernel", "ppppiffffff"),
    ADAMW_TABLE_SET("adamw", "adamw_table_set_kernel", "pippppi"),
    ADAMW_MULTI("adamw", "adamw_multi_kernel", "piffffff");

    final String module;
    final String symbol;
    final String signature;

    Kernel(String module, String symbol, String signature) {
        this.module = module;
        this.symbol = symbol;
        this.signature = signature;
    }
}
