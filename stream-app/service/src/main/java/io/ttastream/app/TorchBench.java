package io.ttastream.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ttastream.asr.Wav2Vec2Config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs tools/bench/torch_wav2vec2.py (PyTorch with torchaudio's wav2vec2) for a side-by-side
 * number in the same run. Debian's python3-torch lives under /usr/bin/python3.
 */
final class TorchBench {
    record Result(String version, double medianSeconds, double rtf) {
    }

    /** Where the PyTorch side runs: the interpreter (a path, or a command on the PATH), the script, the device. */
    record Side(String python, Path script, String device) {
        /** Debian's python3-torch and the checkout's script, timing on the CPU. */
        static Side cpu() {
            return new Side("/usr/bin/python3", Home.path("tools", "bench", "torch_wav2vec2.py"), "cpu");
        }

        /** Why this side cannot run here, or null when it can. */
        String unavailableReason() {
            if (python.contains("/") && !Files.isExecutable(Path.of(python))) {
                return python + " not found (install python3-torch python3-torchaudio)";
            }
            if (!Files.isRegularFile(script)) {
                return script + " not found (run from the project checkout via bin/tta)";
            }
            return null;
        }
    }

    private TorchBench() {
    }

    /**
     * The PyTorch timing of the model forward or of a SUTA loop ({@code steps} > 0), or null (with a note on
     * stderr) when PyTorch is unavailable or fails. {@code threads} <= 0 leaves PyTorch's thread count alone.
     */
    static Result run(Side side, Wav2Vec2Config config, double seconds, String mode, int steps, int threads,
                      int repeats) throws IOException, InterruptedException {
        String reason = side.unavailableReason();
        if (reason != null) {
            System.err.println("bench: PyTorch side skipped: " + reason);
            return null;
        }
        // The same architecture on both sides: hand PyTorch the config.json the Java model uses.
        Path configJson = Files.createTempFile("tta-bench", ".json");
        try {
            Files.writeString(configJson, config.toJson(), StandardCharsets.UTF_8);
            List<String> command = new ArrayList<>(List.of(side.python(), side.script().toString(),
                    "--config", configJson.toString(), "--seconds", Double.toString(seconds), "--mode", mode,
                    "--device", side.device(), "--repeats", Integer.toString(repeats)));
            if (steps > 0) {
                command.addAll(List.of("--steps", Integer.toString(steps)));
            }
            if (threads > 0) {
                command.addAll(List.of("--threads", Integer.toString(threads)));
            }
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.waitFor() != 0) {
                System.err.println("bench: PyTorch side failed (exit " + process.exitValue() + ")");
                return null;
            }
            String lastLine = output.strip().lines().reduce((a, b) -> b).orElse("{}");
            JsonNode json = new ObjectMapper().readTree(lastLine);
            return new Result(json.path("torch").asText("?"), json.path("median_s").asDouble(), json.path("rtf").asDouble());
        } finally {
            Files.deleteIfExists(configJson);
        }
    }
}
