#!/usr/bin/env bash
# Compiles every kernels/src/main/cuda/*.cu to PTX under src/main/resources, where the jar picks
# it up. Run by hand after editing a .cu (CI has no nvcc) and commit the PTX.
#
# Each .cu becomes <name>.ptx, PTX for compute_80 that the driver JIT-compiles for any GPU of
# compute capability 8.0 or newer, and <name>.sm_90.cubin, the same PTX assembled ahead of time
# by ptxas for Hopper (H100/H200: no JIT at start-up). The loader takes the cubin on a 9.0 device
# and the PTX anywhere else. Assembling here also proves the PTX is valid without a GPU.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/../resources/io/ttastream/kernels/cuda"
nvcc="${NVCC:-$(command -v nvcc || echo /usr/local/bin/nvcc)}"
mkdir -p "$out"
ptxas="$(dirname "$nvcc")/ptxas"
rm -f "$out"/*.ptx "$out"/*.cubin
for source in "$here"/*.cu; do
    name="$(basename "$source" .cu)"
    "$nvcc" -ptx -O3 -std=c++17 -arch=compute_80 "$source" -o "$out/$name.ptx"
    "$ptxas" -O3 -arch=sm_90 "$out/$name.ptx" -o "$out/$name.sm_90.cubin"
    echo "$name: $(wc -c < "$out/$name.ptx") bytes of PTX, $(wc -c < "$out/$name.sm_90.cubin") of sm_90 cubin"
done
