// The JNI side of HostEmulatedDevice: device memory is host memory, and a launch runs the kernel
// of src/main/cuda through host_cuda.h. Built by run-parity-on-host.sh.
#include <jni.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <unordered_map>
#include <utility>

#include "host_cuda.h"

#include "../../main/cuda/adamw.cu"
#include "../../main/cuda/conv1d.cu"
#include "../../main/cuda/elementwise.cu"
#include "../../main/cuda/gelu.cu"
#include "../../main/cuda/groupnorm.cu"
#include "../../main/cuda/layernorm.cu"
#include "../../main/cuda/sutaloss.cu"
#include "../../main/cuda/linear.cu"
#include "../../main/cuda/matmul.cu"
#include "../../main/cuda/softmax.cu"
#include "../../main/cuda/weightnorm.cu"

// A kernel argument from its 64 raw bits: pointers and longs as they are, ints from the low 32
// bits, floats from the low 32 bits' pattern.
template <class T>
T unpack(int64_t raw) {
    if constexpr (std::is_pointer_v<T>) {
        return reinterpret_cast<T>(raw);
    } else if constexpr (std::is_same_v<T, float>) {
        int32_t bits = (int32_t) raw;
        float value;
        std::memcpy(&value, &bits, sizeof value);
        return value;
    } else {
        return (T) raw;
    }
}

using Launcher = std::function<void(dim3, dim3, const int64_t*)>;

template <class... P, size_t... I>
Launcher make(void (*kernel)(P...), std::index_sequence<I...>) {
    return [kernel](dim3 grid, dim3 block, const int64_t* raw) { launch(kernel, grid, block, unpack<P>(raw[I])...); };
}

template <class... P>
Launcher make(void (*kernel)(P...)) {
    return make(kernel, std::index_sequence_for<P...>{});
}

// Every kernel but the TF32 one, which needs tensor cores.
static const std::unordered_map<std::string, Launcher> KERNELS = {
        {"adamw_kernel", make(adamw_kernel)},
        {"adamw_table_set_kernel", make(adamw_table_set_kernel)},
        {"adamw_multi_kernel", make(adamw_multi_kernel)},
        {"tensor_ref_set_kernel", make(tensor_ref_set_kernel)},
        {"multi_partial_sums_kernel", make(multi_partial_sums_kernel)},
        {"im2col_kernel", make(im2col_kernel)},
        {"col2im_add_kernel", make(col2im_add_kernel)},
        {"broadcast_columns_kernel", make(broadcast_columns_kernel)},
        {"row_sums_add_kernel", make(row_sums_add_kernel)},
        {"add_kernel", make(add_kernel)},
        {"axpy_kernel", make(axpy_kernel)},
        {"scale_kernel", make(scale_kernel)},
        {"mul_kernel", make(mul_kernel)},
        {"partial_sums_kernel", make(partial_sums_kernel)},
        {"final_sum_kernel", make(final_sum_kernel)},
        {"transpose_kernel", make(transpose_kernel)},
        {"gelu_forward_kernel", make(gelu_forward_kernel)},
        {"gelu_backward_kernel", make(gelu_backward_kernel)},
        {"groupnorm_forward_kernel", make(groupnorm_forward_kernel)},
        {"groupnorm_backward_kernel", make(groupnorm_backward_kernel)},
        {"layernorm_forward_kernel", make(layernorm_forward_kernel)},
        {"add_layernorm_forward_kernel", make(add_layernorm_forward_kernel)},
        {"layernorm_backward_dx_kernel", make(layernorm_backward_dx_kernel)},
        {"layernorm_backward_params_kernel", make(layernorm_backward_params_kernel)},
        {"layernorm_channels_forward_kernel", make(layernorm_channels_forward_kernel)},
        {"layernorm_channels_backward_dx_kernel", make(layernorm_channels_backward_dx_kernel)},
        {"layernorm_channels_backward_params_kernel", make(layernorm_channels_backward_params_kernel)},
        {"broadcast_rows_kernel", make(broadcast_rows_kernel)},
        {"column_sums_add_kernel", make(column_sums_add_kernel)},
        {"sgemm_kernel", make(sgemm_kernel)},
        {"softmax_forward_kernel", make(softmax_forward_kernel)},
        {"softmax_backward_kernel", make(softmax_backward_kernel)},
        {"log_softmax_forward_kernel", make(log_softmax_forward_kernel)},
        {"log_softmax_backward_kernel", make(log_softmax_backward_kernel)},
        {"weightnorm_slice_sums_kernel", make(weightnorm_slice_sums_kernel)},
        {"weightnorm_forward_kernel", make(weightnorm_forward_kernel)},
        {"weightnorm_backward_dv_kernel", make(weightnorm_backward_dv_kernel)},
        {"suta_loss_frames_kernel", make(suta_loss_frames_kernel)},
        {"suta_loss_stats_kernel", make(suta_loss_stats_kernel)},
        {"suta_loss_grad_kernel", make(suta_loss_grad_kernel)},
};

extern "C" {

JNIEXPORT jlong JNICALL Java_io_ttastream_kernels_cuda_HostEmulatedDevice_malloc(JNIEnv*, jclass, jlong bytes) {
    return (jlong) std::malloc(bytes);
}

JNIEXPORT void JNICALL Java_io_ttastream_kernels_cuda_HostEmulatedDevice_free(JNIEnv*, jclass, jlong address) {
    std::free((void*) address);
}

JNIEXPORT void JNICALL Java_io_ttastream_kernels_cuda_HostEmulatedDevice_fill32(JNIEnv*, jclass, jlong address,
                                                                                jint bits, jlong count) {
    int32_t* words = (int32_t*) address;
    for (jlong i = 0; i < count; i++) words[i] = bits;
}

JNIEXPORT void JNICALL Java_io_ttastream_kernels_cuda_HostEmulatedDevice_upload(JNIEnv* env, jclass, jlong address,
                                                                                jfloatArray values) {
    env->GetFloatArrayRegion(values, 0, env->GetArrayLength(values), (jfloat*) address);
}

JNIEXPORT void JNICALL Java_io_ttastream_kernels_cuda_HostEmulatedDevice_download(JNIEnv* env, jclass,
                                                                                  jfloatArray values, jlong address) {
    env->SetFloatArrayRegion(values, 0, env->GetArrayLength(values), (const jfloat*) address);
}

JNIEXPORT void JNICALL Java_io_ttastream_kernels_cuda_HostEmulatedDevice_copy(JNIEnv*, jclass, jlong dst, jlong src,
                                                                              jlong bytes) {
    std::memmove((void*) dst, (const void*) src, bytes);
}

JNIEXPORT jboolean JNICALL Java_io_ttastream_kernels_cuda_HostEmulatedDevice_launch(
        JNIEnv* env, jclass, jstring symbol, jint gx, jint gy, jint gz, jint bx, jint by, jlongArray args) {
    const char* chars = env->GetStringUTFChars(symbol, nullptr);
    auto kernel = KERNELS.find(chars);
    env->ReleaseStringUTFChars(symbol, chars);
    if (kernel == KERNELS.end()) return JNI_FALSE;
    jlong* raw = env->GetLongArrayElements(args, nullptr);
    kernel->second(dim3(gx, gy, gz), dim3(bx, by), (const int64_t*) raw);
    env->ReleaseLongArrayElements(args, raw, JNI_ABORT);
    return JNI_TRUE;
}
}
