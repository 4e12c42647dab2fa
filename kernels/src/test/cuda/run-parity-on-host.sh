#!/usr/bin/env bash
# CudaParityCheck's FP32 cases with CudaBackend on the host emulation of its kernels (no GPU:
# needs g++ 12+ and the JDK's jni.h): builds libttahostcuda.so, compiles the kernels module's
# tests, runs HostParityCheck. Takes a few minutes (every CUDA thread is an OS thread); an argument
# runs only the cases whose names contain it, e.g. run-parity-on-host.sh adamW.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../../.." && pwd)"
java_home="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}"
library="${TMPDIR:-/tmp}/libttahostcuda.so"
g++ -std=c++20 -O2 -pthread -shared -fPIC -Wall -Wno-unknown-pragmas -I "$here/stubs" \
    -I "$java_home/include" -I "$java_home/include/linux" "$here/host_device_jni.cpp" -o "$library"
(cd "$root" && mvn -B -q -o -pl kernels test-compile)
jcuda_version="$(sed -n 's:.*<jcuda.version>\(.*\)</jcuda.version>.*:\1:p' "$root/pom.xml")"
jcuda="${M2_REPO:-$HOME/.m2/repository}/org/jcuda/jcuda/$jcuda_version/jcuda-$jcuda_version.jar"
java --add-modules jdk.incubator.vector -cp "$root/kernels/target/classes:$root/kernels/target/test-classes:$jcuda" \
    io.ttastream.kernels.cuda.HostParityCheck "$library" "$@"
