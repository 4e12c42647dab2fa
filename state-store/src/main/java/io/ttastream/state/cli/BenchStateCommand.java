package io.ttastream.state.cli;

import io.ttastream.state.Snapshot;
import io.ttastream.state.WeightStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tta bench-state}: commit and load latency of the weight store for the two snapshot
 * sizes the service produces, printed as a markdown table. Commits are durable (WAL fsync).
 */
@Command(name = "bench-state", mixinStandardHelpOptions = true,
        description = "Measure weight-store commit and load latency (markdown table).")
public final class BenchStateCommand implements Callable<Integer> {

    @Option(names = "--iterations", defaultValue = "50", description = "Timed commits and loads per case (default ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--warmup", defaultValue = "5", description = "Untimed commits and loads first (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--store", paramLabel = "DIR",
            description = "Directory for the benchmark stores (default: a temporary directory, deleted afterwards).")
    Path directory;

    @Spec
    CommandSpec spec;

    /**
     * A snapshot shape: parameter tensors plus Adam's two moments per parameter, which the
     * adaptation layer stores as strategy-state blobs.
     */
    record Case(String label, int[] tensorSizes) {
        int parameterFloats() {
            return Arrays.stream(tensorSizes).sum();
        }

        int totalFloats() {
            return 3 * parameterFloats();
        }
    }

    /** (a) estimate for the small source model: one 512x512 projection and 96 vectors of 768. */
    static final Case SOURCE_MODEL = new Case("(a) source model trainable subset (estimate) + Adam moments",
            sizes(new int[] {512 * 512}, 96, 768));
    /** (b) wav2vec2-base: 25 LayerNorms (12 encoder layers x 2, plus the encoder's) x weight and bias of 768. */
    static final Case WAV2VEC2_BASE_LAYER_NORMS = new Case("(b) wav2vec2-base LayerNorm subset + Adam moments",
            sizes(new int[0], 50, 768));

    @Override
    public Integer call() throws IOException {
        Path root = directory != null ? Files.createDirectories(directory) : Files.createTempDirectory("tta-bench-state");
        PrintWriter out = spec.commandLine().getOut();
        try {
            out.println("| snapshot | floats | stored MiB | commit p50 ms | commit p99 ms | load p50 ms | load p99 ms |");
            out.println("|---|---|---|---|---|---|---|");
            for (Case benchCase : List.of(SOURCE_MODEL, WAV2VEC2_BASE_LAYER_NORMS)) {
                out.println(measure(benchCase, root.resolve(benchCase == SOURCE_MODEL ? "a" : "b")));
                out.flush();
            }
        } finally {
            if (directory == null) {
                deleteRecursively(root);
            }
        }
        return 0;
    }

    private String measure(Case benchCase, Path storeDirectory) {
        SplittableRandom random = new SplittableRandom(42);
        long[] commitNanos = new long[iterations];
        long[] loadNanos = new long[iterations];
        long storedBytes;
        try (WeightStore store = WeightStore.open(storeDirectory, "bench-model")) {
            for (int i = 0; i < warmup + iterations; i++) {
                Snapshot draft = snapshot(benchCase, i, random);
                long start = System.nanoTime();
                store.commit(draft);
                if (i >= warmup) {
                    commitNanos[i - warmup] = System.nanoTime() - start;
                }
            }
            for (int i = 0; i < warmup + iterations; i++) {
                long start = System.nanoTime();
                Snapshot loaded = store.latest("bench").orElseThrow();
                if (i >= warmup) {
                    loadNanos[i - warmup] = System.nanoTime() - start;
                }
                if (loaded.parameterCount() != benchCase.parameterFloats()) {
                    throw new IllegalStateException("loaded a snapshot of the wrong size");
                }
            }
            storedBytes = store.versions("bench").get(0).encodedBytes();
        }
        return String.format("| %s | %,d | %.2f | %.2f | %.2f | %.2f | %.2f |", benchCase.label(), benchCase.totalFloats(),
                storedBytes / (1024.0 * 1024.0), percentileMillis(commitNanos, 50), percentileMillis(commitNanos, 99),
                percentileMillis(loadNanos, 50), percentileMillis(loadNanos, 99));
    }

    /** A snapshot of the case's shape with random weights, as the adaptation layer would commit it. */
    private static Snapshot snapshot(Case benchCase, int step, SplittableRandom random) {
        Snapshot.Builder builder = Snapshot.builder("bench", "bench-model").position("audio.frames-0", step);
        int[] sizes = benchCase.tensorSizes();
        for (int t = 0; t < sizes.length; t++) {
            builder.tensor("param." + t, new int[] {sizes[t]}, randomFloats(sizes[t], random));
        }
        builder.strategyState("adam.exp_avg", floatBytes(randomFloats(benchCase.parameterFloats(), random)));
        builder.strategyState("adam.exp_avg_sq", floatBytes(randomFloats(benchCase.parameterFloats(), random)));
        return builder.build();
    }

    private static float[] randomFloats(int count, SplittableRandom random) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }

    private static byte[] floatBytes(float[] values) {
        ByteBuffer bytes = ByteBuffer.allocate(Float.BYTES * values.length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        return bytes.array();
    }

    /** Nearest-rank percentile, in milliseconds. */
    static double percentileMillis(long[] nanos, double percentile) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(percentile / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)] / 1e6;
    }

    private static int[] sizes(int[] leading, int repeat, int size) {
        int[] sizes = Arrays.copyOf(leading, leading.length + repeat);
        Arrays.fill(sizes, leading.length, sizes.length, size);
        return sizes;
    }

    private static void deleteRecursively(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
