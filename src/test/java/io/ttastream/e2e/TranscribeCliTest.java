package io.ttastream.e2e;

import io.ttastream.adaptation.model.RandomCheckpoint;
import io.ttastream.asr.HuggingFaceCheckpoints;
import io.ttastream.asr.Safetensors;
import io.ttastream.asr.audio.WavDecoder;
import io.ttastream.app.TtaCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CLI end to end across modules: a checkpoint directory in the Hugging Face format on disk,
 * WAV files on disk, `tta transcribe` and `tta wer` run as a user runs them.
 */
class TranscribeCliTest {
    @TempDir
    Path dir;

    private String run(String... args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            int code = TtaCli.commandLine().execute(args);
            assertEquals(0, code, "exit code of tta " + String.join(" ", args));
        } finally {
            System.setOut(saved);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private Path writeWav(String name, int sampleRate, double seconds) throws Exception {
        float[] samples = new float[(int) (sampleRate * seconds)];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (float) (0.3 * Math.sin(2 * Math.PI * 300 * i / sampleRate) * Math.sin(Math.PI * i / samples.length));
        }
        Path file = dir.resolve(name);
        Files.write(file, WavDecoder.encodePcm16(samples, sampleRate));
        return file;
    }

    @Test
    void transcribesEveryFileAndScoresAManifest() throws Exception {
        Path model = dir.resolve("model");
        HuggingFaceCheckpoints.save(RandomCheckpoint.create(RandomCheckpoint.tinyConfig(), 5), model, Safetensors.DType.F16);
        Path a = writeWav("a.wav", 16000, 1.0);
        Path b = writeWav("b.wav", 44100, 0.7); // resampled on the way in

        String out = run("transcribe", "--model", model.toString(), a.toString(), b.toString());
        String[] lines = out.strip().split("\n");
        assertEquals(2, lines.length, out);
        assertTrue(lines[0].startsWith(a + "\t"), lines[0]);
        assertTrue(lines[1].startsWith(b + "\t"), lines[1]);

        Files.writeString(dir.resolve("m.tsv"), "a.wav\tHELLO WORLD\nb.wav\tGOOD MORNING\n");
        String wer = run("wer", "--model", model.toString(), "--manifest", dir.resolve("m.tsv").toString());
        assertTrue(wer.contains("2 utterances, 4 reference words"), wer);
        assertTrue(wer.matches("(?s).*\\| source \\| \\d+\\.\\d\\d% \\| \\d+\\.\\d\\d% \\|.*"), wer);

        // Both strategies side by side on noisy audio, as the SUTA comparison runs.
        Path noise = writeWav("noise.wav", 16000, 0.3);
        String sideBySide = run("wer", "--model", model.toString(), "--manifest", dir.resolve("m.tsv").toString(),
                "--strategy", "source,suta", "--steps", "2", "--noise", noise.toString(), "--snr", "5");
        assertTrue(sideBySide.contains("noise.wav at 5.0 dB SNR"), sideBySide);
        assertTrue(sideBySide.contains("| source |") && sideBySide.contains("| suta |"), sideBySide);
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : new String[]{"demo", "transcribe", "wer", "synth", "train", "bench", "bench-ops", "bench-suta", "serve", "produce", "state", "bench-state"}) {
            String help = run(command, "--help");
            assertTrue(help.contains("Usage: tta " + command), help);
        }
    }
}
