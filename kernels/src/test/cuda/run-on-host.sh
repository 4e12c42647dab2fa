#!/usr/bin/env bash
# Compiles the CUDA kernels as C++ against host_cuda.h and checks them on the CPU (no GPU, no nvcc:
# only g++ 12+). See kernels_on_host.cpp.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${TMPDIR:-/tmp}/tta-kernels-on-host"
g++ -std=c++20 -O1 -pthread -x c++ -Wall -Wno-unknown-pragmas -I "$here/stubs" "$here/kernels_on_host.cpp" -o "$out"
"$out"
