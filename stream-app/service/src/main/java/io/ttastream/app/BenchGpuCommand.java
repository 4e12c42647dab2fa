package io.ttastream.app;

import io.ttastream.adaptation.model.Gradients;
import io.ttastream.adaptation.model.RandomCheckpoint;
import io.ttastream.adaptation.model.Wav2Vec2Model;
import io.ttastream.adaptation.suta.SutaAdapter;
import io.ttastream.adaptation.suta.SutaConfig;
import io.ttastream.asr.Checkpoint;
import io.ttastream.asr.Wav2Vec2Config;
import io.ttastream.kernels.Backend;
import io.ttastream.kernels.Backends;
import io.ttastream.kernels.CpuBackend;
import io.ttastream.kernels.cuda.CudaBackend;
import io.ttastream.kernels.cuda.CudaBackend.MatmulPrecision;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Real-time factor of SUTA on the GPU: the Java CUDA backend and PyTorch eager (on CUDA, the same
 * architecture, random weights, the same loop via tools/bench/torch_wav2vec2.py) in the same run.
 * First, unless told not to, it checks the whole model on the GPU against the CPU backend: the
 * logits, the gradients of SUTA's trainable parameters, and the losses of a SUTA trajectory.
 *
 * <p>It needs only the kernels, adaptation and ASR jars, picocli and Jackson (and {@link
 * BenchOptions}), so the GPU bundle (tools/gpu/gpu-bundle.sh) runs it through {@link #main}
 * without the rest of tta.jar.
 */
@Command(name = "bench-gpu", mixinStandardHelpOptions = true,
        description = "Benchmark SUTA on the GPU: Java CUDA backend vs PyTorch eager on CUDA, side by side.")
public final class BenchGpuCommand implements Callable<Integer> {

    @Option(names = "--config", description = "Architecture: tiny, source (the committed model, models/source) or base (wav2vec2-base). Default: ${DEFAULT-VALUE}.")
    String config = "base";

    @Option(names = "--seconds", split = ",", description = "Utterance lengths in seconds. Default: 1,5,15.")
    double[] seconds = {1, 5, 15};

    @Option(names = "--steps", description = "SUTA steps. Default: ${DEFAULT-VALUE}.")
    int steps = 10;

    @Option(names = "--precision", description = "Matrix products: FP32 or TF32 (tensor cores). Default: ${DEFAULT-VALUE}.")
    MatmulPrecision precision = MatmulPrecision.TF32;

    @Option(names = "--python", description = "Python with torch and torchaudio. Default: ${DEFAULT-VALUE}.")
    String python = "python3";

    @Option(names = "--torch-script", description = "The PyTorch side. Default: ${DEFAULT-VALUE}.")
    Path torchScript = Path.of("tools", "bench", "torch_wav2vec2.py");

    @Option(names = "--check-model", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "First compare the model on the GPU with the CPU backend (1 s of audio). Default: ${DEFAULT-VALUE}.")
    boolean checkModel;

    @Mixin
    BenchOptions bench;

    /** Runs the command on its own, as the GPU bundle does. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchGpuCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Wav2Vec2Config modelConfig = BenchOptions.architecture(config);
        try {
            Backends.openCuda().close();
        } catch (IllegalStateException e) {
            System.err.println("bench-gpu: no CUDA device: " + e.getMessage());
            return 2;
        }
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT,
                "| audio (s) | implementation | SUTA %d steps, median (s) | real-time factor | speed-up vs PyTorch | kernel launches |%n",
                steps));
        table.append("|---|---|---|---|---|---|\n");
        try (CudaBackend gpu = new CudaBackend(0, precision)) {
            System.err.printf("bench-gpu: %s on %s, %s products, %d steps%n", config, gpu.deviceName(), precision, steps);
            if (checkModel && !modelMatchesTheCpu(modelConfig, gpu)) {
                return 1;
            }
            Wav2Vec2Model model = new Wav2Vec2Model(gpu, RandomCheckpoint.create(modelConfig, 1234));
            SutaAdapter adapter = new SutaAdapter(model, SutaConfig.reference().withSteps(steps));
            for (double length : seconds) {
                float[] audio = BenchOptions.randomAudio(length);
                double java = bench.medianSeconds(() -> {
                    adapter.adapt(audio);
                    gpu.synchronize();
                });
                long launchesBefore = gpu.launchCount();
                adapter.adapt(audio);
                long launches = gpu.launchCount() - launchesBefore;
                TorchBench.Result torch = bench.noTorch ? null : TorchBench.run(
                        new TorchBench.Side(python, torchScript, "cuda"), modelConfig, length, "suta", steps, 0,
                        bench.repeats);
                String speedUp = torch == null ? "n/a"
                        : String.format(Locale.ROOT, "%.2fx", torch.medianSeconds() / java);
                table.append(String.format(Locale.ROOT, "| %.0f | Java CudaBackend (%s) | %.4f | %.4f | %s | %d |%n",
                        length, precision, java, java / length, speedUp, launches));
                if (torch != null) {
                    table.append(String.format(Locale.ROOT, "| %.0f | PyTorch %s eager (CUDA) | %.4f | %.4f | 1.00x | n/a |%n",
                            length, torch.version(), torch.medianSeconds(), torch.rtf()));
                }
            }
        }
        System.out.println();
        System.out.print(table);
        return 0;
    }

    /** What the model check compares: logits, SUTA-loss gradients by parameter, a SUTA trajectory's losses. */
    private record ModelRun(float[] logits, Map<String, float[]> gradients, double[] stepLosses) {
        static ModelRun of(Backend backend, Checkpoint checkpoint, float[] audio, int steps) {
            Wav2Vec2Model model = new Wav2Vec2Model(backend, checkpoint);
            SutaAdapter adapter = new SutaAdapter(model, SutaConfig.reference().withSteps(steps));
            float[] logits = model.logits(audio);
            Gradients gradients = adapter.newGradients();
            adapter.lossAndGradients(audio, gradients);
            Map<String, float[]> values = new LinkedHashMap<>();
            gradients.asMap().forEach((name, t) -> values.put(name, t.toArray()));
            return new ModelRun(logits, values, adapter.adapt(audio).stepLosses());
        }
    }

    /**
     * The model on {@code candidate} against the CPU backend, same random weights and audio; prints each
     * comparison's relative error. The bound is loose enough for float sums in another order
     * through a dozen layers, or for TF32 products.
     */
    boolean modelMatchesTheCpu(Wav2Vec2Config modelConfig, Backend candidate) {
        double bound = precision == MatmulPrecision.FP32 ? 1e-3 : 3e-2;
        float[] audio = BenchOptions.randomAudio(1);
        Checkpoint checkpoint = RandomCheckpoint.create(modelConfig, 1234);
        ModelRun expected;
        try (CpuBackend cpu = new CpuBackend(bench.threads)) {
            expected = ModelRun.of(cpu, checkpoint, audio, steps);
        }
        ModelRun actual = ModelRun.of(candidate, checkpoint, audio, steps);
        Map<String, Double> errors = new LinkedHashMap<>();
        errors.put("logits (max abs err / max |logit|)", maxRelative(expected.logits(), actual.logits()));
        double worstGradient = 0;
        String worstName = "none";
        for (Map.Entry<String, float[]> e : expected.gradients().entrySet()) {
            double error = l2Relative(e.getValue(), actual.gradients().get(e.getKey()));
            if (!(error <= worstGradient)) {
                worstGradient = error;
                worstName = e.getKey();
            }
        }
        errors.put("gradients (worst relative L2: " + worstName + ")", worstGradient);
        double[] expectedLosses = expected.stepLosses(), actualLosses = actual.stepLosses();
        double worstLoss = 0;
        for (int i = 0; i < expectedLosses.length; i++) {
            worstLoss = Math.max(worstLoss, Math.abs(actualLosses[i] - expectedLosses[i]) / Math.max(1, Math.abs(expectedLosses[i])));
        }
        errors.put("SUTA " + steps + "-step losses (max relative err)", worstLoss);
        boolean ok = true;
        System.out.printf(Locale.ROOT, "model check, %s, 1 s audio, %s (%s products) vs the CPU, bound %.0e%n",
                config, candidate.name(), precision, bound);
        for (Map.Entry<String, Double> e : errors.entrySet()) {
            boolean within = e.getValue() <= bound;  // false for NaN
            ok &= within;
            System.out.printf(Locale.ROOT, "  %-60s %.3e %s%n", e.getKey(), e.getValue(), within ? "ok" : "FAIL");
        }
        return ok;
    }

    private static double maxRelative(float[] expected, float[] actual) {
        double maxError = 0, scale = 0;
        for (int i = 0; i < expected.length; i++) {
            double error = Math.abs((double) actual[i] - expected[i]);
            maxError = Double.isNaN(error) ? Double.NaN : Math.max(maxError, error);
            scale = Math.max(scale, Math.abs(expected[i]));
        }
        return maxError / Math.max(scale, 1e-12);
    }

    private static double l2Relative(float[] expected, float[] actual) {
        double difference = 0, norm = 0;
        for (int i = 0; i < expected.length; i++) {
            double d = (double) actual[i] - expected[i];
            difference += d * d;
            norm += (double) expected[i] * expected[i];
        }
        return Math.sqrt(difference / Math.max(norm, 1e-30));
    }
}
