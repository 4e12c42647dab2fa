#!/usr/bin/env bash
# Builds a self-contained bundle for a GPU machine that has no Java and no internet: a jlink'ed
# Java 17 runtime, the kernels jar (with its PTX and cubins), JCuda's jar and driver-API native
# library, run-parity.sh (CudaParityCheck), and run-bench.sh (bench-gpu: the model, SUTA and the
# PyTorch script). Prints the total size, which must stay under 64 MiB (the device machine's
# carry limit). Usage: tools/gpu/gpu-bundle.sh [output directory, default target/gpu-bundle]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="${1:-$root/target/gpu-bundle}"
m2="${M2_REPO:-$HOME/.m2/repository}"
jcuda_version="$(sed -n 's:.*<jcuda.version>\(.*\)</jcuda.version>.*:\1:p' "$root/pom.xml")"
java_home="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}"
limit=$((64 * 1024 * 1024))

echo "gpu-bundle: building the kernels, asr-adapters and adaptation jars and the service's classes"
classpath="$(mktemp)"
trap 'rm -f "$classpath"' EXIT
(cd "$root" && mvn -B -q -o -pl adaptation -am package dependency:build-classpath -DskipTests \
        -DincludeScope=runtime -Dmdep.outputFile="$classpath" \
    && mvn -B -q -o -pl stream-app/service -am compile)
picocli_version="$(sed -n 's:.*<picocli.version>\(.*\)</picocli.version>.*:\1:p' "$root/pom.xml")"

rm -rf "$out"
mkdir -p "$out/lib" "$out/native"

# The runtime: only the modules the kernels, JCuda and the benchmark touch. The Vector API module
# is there because the CPU reference backend uses it.
"$java_home/bin/jlink" --add-modules java.base,java.logging,jdk.unsupported,java.management,jdk.incubator.vector \
    --strip-debug --no-header-files --no-man-pages --compress=2 --output "$out/jre"

cp "$m2/org/jcuda/jcuda/$jcuda_version/jcuda-$jcuda_version.jar" "$out/lib/"
# Of JCuda's natives only the driver API's library is used (it links libcuda.so.1 alone); the
# NVRTC and PTX-compiler libraries (24 MB) stay out. JCuda finds it on java.library.path.
unzip -q -j -o "$m2/org/jcuda/jcuda-natives/$jcuda_version/jcuda-natives-$jcuda_version-linux-x86_64.jar" \
    "lib/libJCudaDriver-$jcuda_version-linux-x86_64.so" -d "$out/native"

java_command='"$here/jre/bin/java" --add-modules jdk.incubator.vector -Djava.library.path="$here/native" -Dtta.home="$here" -cp "$here/lib/*"'
cat > "$out/run-parity.sh" <<SCRIPT
#!/bin/sh
# Every Backend op, CUDA against the CPU: prints op | max abs err | tolerance | ok; exit 0 when all pass.
here="\$(cd "\$(dirname "\$0")" && pwd)"
exec $java_command io.ttastream.kernels.cuda.CudaParityCheck "\$@"
SCRIPT

# bench-gpu needs the model and SUTA (tta-adaptation and its runtime class path: the kernels jar,
# tta-asr-adapters, Jackson), picocli and the command with the service classes it uses (not
# tta.jar: Kafka and RocksDB would not fit).
tr ':' '\n' < "$classpath" | xargs -r cp -t "$out/lib"
cp "$root/adaptation/target/tta-adaptation-"*[0-9T].jar "$out/lib/"
cp "$m2/info/picocli/picocli/$picocli_version/picocli-$picocli_version.jar" "$out/lib/"
(cd "$root/stream-app/service/target/classes" && jar --create --file "$out/lib/tta-bench-gpu.jar" \
    io/ttastream/app/BenchGpuCommand*.class io/ttastream/app/BenchOptions*.class io/ttastream/app/TorchBench*.class \
    io/ttastream/app/Home*.class)
# The command's classes must all resolve inside the bundle: a missing one would only show on the GPU machine.
dependencies="$("$java_home/bin/jdeps" --multi-release 17 -filter:none -verbose:class -cp "$out/lib/*" \
    "$out/lib/tta-bench-gpu.jar")"
missing="$(echo "$dependencies" | grep "not found" || true)"
if [ -n "$missing" ]; then
    echo "gpu-bundle: classes missing from the bundle:" >&2
    echo "$missing" >&2
    exit 1
fi
mkdir -p "$out/tools/bench"
cp "$root/tools/bench/torch_wav2vec2.py" "$out/tools/bench/"
# --config source is the committed model's architecture: its config.json.
mkdir -p "$out/models/source"
cp "$root/models/source/config.json" "$out/models/source/"
cat > "$out/run-bench.sh" <<SCRIPT
#!/bin/sh
# SUTA real-time factor on the GPU, Java CUDA backend and PyTorch eager side by side (see --help).
here="\$(cd "\$(dirname "\$0")" && pwd)"
exec $java_command io.ttastream.app.BenchGpuCommand --torch-script "\$here/tools/bench/torch_wav2vec2.py" "\$@"
SCRIPT
chmod +x "$out"/*.sh

size=$(du -sb "$out" | cut -f1)
echo "gpu-bundle: $out"
du -sh "$out/jre" "$out/lib" "$out/native"
printf 'gpu-bundle: total %.1f MiB (limit 64 MiB)\n' "$(echo "$size / 1048576" | bc -l)"
if [ "$size" -ge "$limit" ]; then
    echo "gpu-bundle: too large" >&2
    exit 1
fi
