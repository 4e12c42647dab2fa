package io.ttastream.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ttastream.adaptation.model.RandomCheckpoint;
import io.ttastream.adaptation.model.Wav2Vec2Model;
import io.ttastream.adaptation.suta.SutaAdapter;
import io.ttastream.adaptation.suta.SutaConfig;
import io.ttastream.asr.Wav2Vec2Config;
import io.ttastream.kernels.Backends;
import io.ttastream.kernels.cuda.CudaBackend;
import io.ttastream.kernels.cuda.CudaBackend.MatmulPrecision;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Real-time factor of SUTA on the GPU: the Java CUDA backend and PyTorch eager (on CUDA, the same
 * architecture, random weights, the same loop via tools/bench/torch_wav2vec2.py) in the same run.
 *
 * <p>It needs only the kernels, adaptation and ASR jars, picocli and Jackson (and {@link
 * BenchOptions}), so the GPU bundle (tools/gpu/gpu-bundle.sh) runs it through {@link #main}
 * without the rest of tta.jar.
 */
@Command(name = "bench-gpu", mixinStandardHelpOptions = true,
        description = "Benchmark SUTA on the GPU: Java CUDA backend vs PyTorch eager on CUDA, side by side.")
public final class BenchGpuCommand implements Callable<Integer> {

    @Option(names = "--config", description = "Architecture: tiny, source or base (wav2vec2-base). Default: ${DEFAULT-VALUE}.")
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
                "| audio (s) | implementation | SUTA %d steps, median (s) | real-time factor | speed-up vs PyTorch |%n",
                steps));
        table.append("|---|---|---|---|---|\n");
        try (CudaBackend gpu = new CudaBackend(0, precision)) {
            System.err.printf("bench-gpu: %s on %s, %s products, %d steps%n", config, gpu.deviceName(), precision, steps);
            Wav2Vec2Model model = new Wav2Vec2Model(gpu, RandomCheckpoint.create(modelConfig, 1234));
            SutaAdapter adapter = new SutaAdapter(model, SutaConfig.reference().withSteps(steps));
            for (double length : seconds) {
                float[] audio = BenchOptions.randomAudio(length);
                double java = bench.medianSeconds(() -> {
                    adapter.adapt(audio);
                    gpu.synchronize();
                });
                JsonNode torch = bench.noTorch ? null : torch(modelConfig, length);
                String speedUp = torch == null ? "n/a"
                        : String.format(Locale.ROOT, "%.2fx", torch.path("median_s").asDouble() / java);
                table.append(String.format(Locale.ROOT, "| %.0f | Java CudaBackend (%s) | %.4f | %.4f | %s |%n",
                        length, precision, java, java / length, speedUp));
                if (torch != null) {
                    table.append(String.format(Locale.ROOT, "| %.0f | PyTorch %s eager (CUDA) | %.4f | %.4f | 1.00x |%n",
                            length, torch.path("torch").asText("?"), torch.path("median_s").asDouble(),
                            torch.path("rtf").asDouble()));
                }
            }
        }
        System.out.println();
        System.out.print(table);
        return 0;
    }

    /** PyTorch's timing of the same SUTA loop on CUDA, or null (with a note) when it cannot run. */
    private JsonNode torch(Wav2Vec2Config modelConfig, double length) throws IOException, InterruptedException {
        if (!Files.isRegularFile(torchScript)) {
            System.err.println("bench-gpu: PyTorch side skipped: " + torchScript + " not found");
            return null;
        }
        Path configJson = Files.createTempFile("tta-bench-gpu", ".json");
        try {
            Files.writeString(configJson, modelConfig.toJson(), StandardCharsets.UTF_8);
            List<String> command = List.of(python, torchScript.toString(), "--config", configJson.toString(),
                    "--seconds", Double.toString(length), "--mode", "suta", "--steps", Integer.toString(steps),
                    "--device", "cuda", "--repeats", Integer.toString(bench.repeats));
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.waitFor() != 0) {
                System.err.println("bench-gpu: PyTorch side failed (exit " + process.exitValue() + ")");
                return null;
            }
            String lastLine = output.strip().lines().reduce((a, b) -> b).orElse("{}");
            return new ObjectMapper().readTree(lastLine);
        } finally {
            Files.deleteIfExists(configJson);
        }
    }
}
