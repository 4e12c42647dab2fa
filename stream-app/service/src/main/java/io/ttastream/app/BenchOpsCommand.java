package io.ttastream.app;

import io.ttastream.adaptation.model.RandomCheckpoint;
import io.ttastream.adaptation.model.Wav2Vec2Model;
import io.ttastream.asr.Wav2Vec2Config;
import io.ttastream.kernels.CpuBackend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/**
 * Forward time of the wav2vec2-base architecture (random weights) on the Java CPU backend, and,
 * in the same run, of PyTorch on the CPU with the same thread count when python3-torch is there.
 */
@Command(name = "bench-ops", mixinStandardHelpOptions = true,
        description = "Benchmark the model forward: Java CPU backend vs PyTorch CPU, side by side.")
final class BenchOpsCommand implements Callable<Integer> {

    @Option(names = "--config", description = "tiny, source (the committed model, models/source) or base (wav2vec2-base). Default: ${DEFAULT-VALUE}.")
    String config = "base";

    @Option(names = "--seconds", description = "Audio length in seconds. Default: ${DEFAULT-VALUE}.")
    double seconds = 10;

    @Mixin
    BenchOptions bench;

    @Override
    public Integer call() throws Exception {
        Wav2Vec2Config modelConfig = BenchOptions.architecture(config);
        float[] audio = BenchOptions.randomAudio(seconds);
        System.err.printf("bench-ops: %s config, %.1f s of audio, %d threads, %d repeats%n",
                config, seconds, bench.threads, bench.repeats);

        double javaSeconds;
        try (CpuBackend backend = new CpuBackend(bench.threads)) {
            Wav2Vec2Model model = new Wav2Vec2Model(backend, RandomCheckpoint.create(modelConfig, 1234));
            javaSeconds = bench.medianSeconds(() -> model.logits(audio));
        }
        TorchBench.Result torch = bench.noTorch ? null
                : TorchBench.run(TorchBench.Side.cpu(), modelConfig, seconds, "forward", 0, bench.threads, bench.repeats);

        System.out.println();
        System.out.printf("| implementation | forward median (s) | real-time factor | vs PyTorch |%n");
        System.out.printf("|---|---|---|---|%n");
        String ratio = torch != null ? String.format("%.2fx", javaSeconds / torch.medianSeconds()) : "n/a";
        System.out.printf("| Java CpuBackend | %.3f | %.4f | %s |%n", javaSeconds, javaSeconds / seconds, ratio);
        if (torch != null) {
            System.out.printf("| PyTorch %s (CPU) | %.3f | %.4f | 1.00x |%n", torch.version(), torch.medianSeconds(),
                    torch.medianSeconds() / seconds);
        } else if (!bench.noTorch) {
            System.out.println("| PyTorch | not run: " + TorchBench.Side.cpu().unavailableReason() + " | | |");
        }
        return 0;
    }
}
