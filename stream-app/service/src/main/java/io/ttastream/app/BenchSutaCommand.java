package io.ttastream.app;

import io.ttastream.adaptation.model.RandomCheckpoint;
import io.ttastream.adaptation.model.Wav2Vec2Model;
import io.ttastream.adaptation.suta.SutaAdapter;
import io.ttastream.adaptation.suta.SutaConfig;
import io.ttastream.asr.Wav2Vec2Config;
import io.ttastream.kernels.CpuBackend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/**
 * Real-time factor of SUTA (adaptation seconds per audio second: N steps plus the final decode)
 * on the Java CPU backend, and PyTorch's for the same loop in the same run when it is installed.
 */
@Command(name = "bench-suta", mixinStandardHelpOptions = true,
        description = "Benchmark SUTA's real-time factor: Java CPU backend vs PyTorch CPU, side by side.")
final class BenchSutaCommand implements Callable<Integer> {

    @Option(names = "--config", split = ",", description = "Configurations: tiny, source (the committed model, models/source), base (wav2vec2-base). Default: tiny,source,base.")
    String[] configs = {"tiny", "source", "base"};

    @Option(names = "--seconds", description = "Utterance length in seconds. Default: ${DEFAULT-VALUE}.")
    double seconds = 5;

    @Option(names = "--steps", description = "SUTA steps. Default: ${DEFAULT-VALUE}.")
    int steps = 10;

    @Mixin
    BenchOptions bench;

    @Override
    public Integer call() throws Exception {
        float[] audio = BenchOptions.randomAudio(seconds);
        StringBuilder table = new StringBuilder();
        table.append(String.format("| config | implementation | SUTA %d steps, median (s) | real-time factor | vs PyTorch |%n", steps));
        table.append("|---|---|---|---|---|\n");
        for (String config : configs) {
            Wav2Vec2Config modelConfig = BenchOptions.architecture(config);
            System.err.printf("bench-suta: %s, %.1f s utterance, %d steps, %d threads%n", config, seconds, steps, bench.threads);
            double javaSeconds;
            try (CpuBackend backend = new CpuBackend(bench.threads)) {
                Wav2Vec2Model model = new Wav2Vec2Model(backend, RandomCheckpoint.create(modelConfig, 1234));
                SutaAdapter adapter = new SutaAdapter(model, SutaConfig.reference().withSteps(steps));
                javaSeconds = bench.medianSeconds(() -> adapter.adapt(audio));
            }
            TorchBench.Result torch = bench.noTorch ? null
                    : TorchBench.run(TorchBench.Side.cpu(), modelConfig, seconds, "suta", steps, bench.threads, bench.repeats);
            String ratio = torch != null ? String.format("%.2fx", javaSeconds / torch.medianSeconds()) : "n/a";
            table.append(String.format("| %s | Java CpuBackend | %.3f | %.3f | %s |%n", config, javaSeconds,
                    javaSeconds / seconds, ratio));
            if (torch != null) {
                table.append(String.format("| %s | PyTorch %s (CPU) | %.3f | %.3f | 1.00x |%n", config, torch.version(),
                        torch.medianSeconds(), torch.medianSeconds() / seconds));
            }
        }
        System.out.println();
        System.out.print(table);
        return 0;
    }
}
