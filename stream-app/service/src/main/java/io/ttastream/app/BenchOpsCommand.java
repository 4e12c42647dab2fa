package io.ttastream.app;

import io.ttastream.adaptation.model.RandomCheckpoint;
import io.ttastream.adaptation.model.Wav2Vec2Model;
import io.ttastream.asr.Wav2Vec2Config;
import io.ttastream.kernels.CpuBackend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.Callable;

/**
 * Forward time of the wav2vec2-base architecture (random weights) on the Java CPU backend, and,
 * in the same run, of PyTorch on the CPU with the same thread count when python3-torch is there.
 */
@Command(name = "bench-ops", mixinStandardHelpOptions = true,
        description = "Benchmark the model forward: Java CPU backend vs PyTorch CPU, side by side.")
final class BenchOpsCommand implements Callable<Integer> {

    @Option(names = "--config", description = "base (wav2vec2-base) or tiny. Default: ${DEFAULT-VALUE}.")
    String config = "base";

    @Option(names = "--seconds", description = "Audio length in seconds. Default: ${DEFAULT-VALUE}.")
    double seconds = 10;

    @Option(names = "--repeats", description = "Timed repeats after one warm-up. Default: ${DEFAULT-VALUE}.")
    int repeats = 3;

    @Option(names = "--threads", description = "Threads for both implementations (default: all cores).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--no-torch", description = "Skip the PyTorch side.")
    boolean noTorch;

    @Override
    public Integer call() throws Exception {
        Wav2Vec2Config modelConfig = switch (config) {
            case "base" -> Wav2Vec2Config.base960h();
            case "tiny" -> RandomCheckpoint.tinyConfig();
            default -> throw new IllegalArgumentException("--config must be base or tiny, not " + config);
        };
        int samples = (int) Math.round(seconds * 16000);
        float[] audio = new float[samples];
        Random random = new Random(7);
        for (int i = 0; i < samples; i++) {
            audio[i] = (float) random.nextGaussian();
        }
        System.err.printf("bench-ops: %s config, %.1f s of audio, %d threads, %d repeats%n",
                config, seconds, threads, repeats);

        double javaSeconds;
        try (CpuBackend backend = new CpuBackend(threads)) {
            Wav2Vec2Model model = new Wav2Vec2Model(backend, RandomCheckpoint.create(modelConfig, 1234));
            javaSeconds = medianSeconds(() -> model.logits(audio));
        }
        TorchBench.Result torch = noTorch ? null
                : TorchBench.run(modelConfig, seconds, "forward", 0, threads, repeats);

        System.out.println();
        System.out.printf("| implementation | forward median (s) | real-time factor | vs PyTorch |%n");
        System.out.printf("|---|---|---|---|%n");
        String ratio = torch != null ? String.format("%.2fx", javaSeconds / torch.medianSeconds()) : "n/a";
        System.out.printf("| Java CpuBackend | %.3f | %.4f | %s |%n", javaSeconds, javaSeconds / seconds, ratio);
        if (torch != null) {
            System.out.printf("| PyTorch %s (CPU) | %.3f | %.4f | 1.00x |%n", torch.version(), torch.medianSeconds(),
                    torch.medianSeconds() / seconds);
        } else if (!noTorch) {
            System.out.println("| PyTorch | not run: " + TorchBench.unavailableReason() + " | | |");
        }
        return 0;
    }

    private double medianSeconds(Runnable work) {
        work.run();
        double[] times = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long start = System.nanoTime();
            work.run();
            times[i] = (System.nanoTime() - start) / 1e9;
            System.err.printf("  java run %d/%d: %.3f s%n", i + 1, repeats, times[i]);
        }
        Arrays.sort(times);
        return times[repeats / 2];
    }
}
