// Just enough of CUDA to run the kernels of src/main/cuda on the CPU, for checking their index
// arithmetic on a machine without a GPU: every thread of a block is an OS thread, __syncthreads
// is a barrier of the block, a warp shuffle goes through a per-warp slot array and barrier.
// Blocks run one after the other. Not emulated: tensor cores (the TF32 kernel compiles to nothing
// here because __CUDA_ARCH__ is undefined).
#pragma once
#include <algorithm>
#include <barrier>
#include <cmath>
#include <memory>
#include <thread>
#include <vector>

#define __global__
#define __device__
#define __forceinline__ inline
#define __launch_bounds__(n)
#define __shared__ static
#define __align__(n) alignas(n)

using std::isfinite;
using std::max;
using std::min;

inline float rsqrtf(float x) { return 1.f / std::sqrt(x); }

struct dim3 {
    unsigned x, y, z;
    dim3(unsigned x = 1, unsigned y = 1, unsigned z = 1) : x(x), y(y), z(z) {}
};

inline thread_local dim3 threadIdx, blockIdx;
inline dim3 blockDim, gridDim;

// The barriers and shuffle slots of the block being run.
struct BlockState {
    std::barrier<> block;
    std::vector<std::unique_ptr<std::barrier<>>> warps;
    std::vector<double> slots;
    explicit BlockState(int threads) : block(threads), slots(threads) {
        for (int w = 0; w < (threads + 31) / 32; w++) {
            warps.push_back(std::make_unique<std::barrier<>>(std::min(32, threads - 32 * w)));
        }
    }
};
inline BlockState* current_block;
inline thread_local int linear_thread;

inline void __syncthreads() { current_block->block.arrive_and_wait(); }

template <class T>
T __shfl_xor_sync(unsigned, T value, int offset) {
    int lane = linear_thread % 32, warp = linear_thread / 32;
    double* slots = &current_block->slots[warp * 32];
    std::barrier<>& sync = *current_block->warps[warp];
    slots[lane] = (double) value;
    sync.arrive_and_wait();
    T result = (T) slots[lane ^ offset];
    sync.arrive_and_wait();
    return result;
}

// kernel<<<grid, block>>>(args...), synchronously.
template <class... Params, class... Args>
void launch(void (*kernel)(Params...), dim3 grid, dim3 block, Args... args) {
    gridDim = grid;
    blockDim = block;
    int threads = block.x * block.y * block.z;
    for (unsigned bz = 0; bz < grid.z; bz++)
        for (unsigned by = 0; by < grid.y; by++)
            for (unsigned bx = 0; bx < grid.x; bx++) {
                BlockState state(threads);
                current_block = &state;
                std::vector<std::thread> running;
                for (int t = 0; t < threads; t++) {
                    running.emplace_back([&, t] {
                        threadIdx = dim3(t % block.x, t / block.x % block.y, t / (block.x * block.y));
                        blockIdx = dim3(bx, by, bz);
                        linear_thread = t;
                        kernel(static_cast<Params>(args)...);
                        // A finished thread no longer holds back the others' barriers.
                        state.block.arrive_and_drop();
                        state.warps[t / 32]->arrive_and_drop();
                    });
                }
                for (std::thread& t : running) t.join();
            }
}
