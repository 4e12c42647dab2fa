// Host stand-in for CUDA's mma.h: only what matmul.cu names outside its tensor-core kernel.
#pragma once
namespace nvcuda::wmma {
inline float __float_to_tf32(float v) { return v; }
}
