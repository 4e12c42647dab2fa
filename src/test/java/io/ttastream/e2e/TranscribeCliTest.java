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
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
        String wer = run("wer", "--model", model.toString(), "--manifest", dir.resolve("m.tsv").toString(),
                "--confusions", "3");
        assertTrue(wer.contains("2 utterances, 4 reference words"), wer);
        assertTrue(wer.matches("(?s).*\\| source \\| \\d+\\.\\d\\d% \\| \\d+\\.\\d\\d% \\|.*"), wer);
        // An untrained model gets most characters wrong: three rows of them, the worst first.
        assertTrue(wer.contains("source: the characters most often wrong"), wer);
        List<Long> wrong = Pattern.compile("(?m)^\\| (?:[A-Z']|space) \\| \\d+ \\| (\\d+) \\(\\d+%\\) \\|").matcher(wer)
                .results().map(row -> Long.parseLong(row.group(1))).toList();
        assertEquals(3, wrong.size(), wer);
        assertTrue(wrong.get(0) >= wrong.get(1) && wrong.get(1) >= wrong.get(2), wer);

        // Both strategies side by side on noisy audio, as the SUTA comparison runs.
        Path noise = writeWav("noise.wav", 16000, 0.3);
        String sideBySide = run("wer", "--model", model.toString(), "--manifest", dir.resolve("m.tsv").toString(),
                "--strategy", "source,suta", "--steps", "2", "--noise", noise.toString(), "--snr", "5");
        assertTrue(sideBySide.contains("noise.wav at 5.0 dB SNR"), sideBySide);
        assertTrue(sideBySide.contains("| source |") && sideBySide.contains("| suta |"), sideBySide);

        // Nothing to score is an error, not a perfect 0%.
        Files.writeString(dir.resolve("empty.tsv"), "# no utterances\n");
        StringWriter errors = new StringWriter();
        int code = TtaCli.commandLine().setErr(new PrintWriter(errors))
                .execute("wer", "--model", model.toString(), "--manifest", dir.resolve("empty.tsv").toString());
        assertNotEquals(0, code);
        assertTrue(errors.toString().contains("lists no utterances"), errors.toString());
    }

    private static final Path DATA = Path.of("../../shared/data");
    private static final Path SOURCE_MODEL = Path.of("../models/source");

    private static double cer(String werOutput) {
        Matcher row = Pattern.compile("\\| source \\| [0-9.]+% \\| ([0-9.]+)% \\|").matcher(werOutput);
        assertTrue(row.find(), werOutput);
        return Double.parseDouble(row.group(1));
    }

    @Test
    void aCharacterLanguageModelInTheBeamSearchLowersTheSourceModelsErrorsOnRealSpeech() throws Exception {
        assumeTrue(Files.isDirectory(DATA.resolve("speech")), "shared data not found at " + DATA.toAbsolutePath());
        // Five real LJ Speech utterances; the shared sentences file holds the other LJ Speech transcripts only.
        Path speech = DATA.resolve("speech").toAbsolutePath();
        List<String> entries = Files.readAllLines(speech.resolve("ljspeech.tsv")).subList(0, 5);
        Path manifest = dir.resolve("lj5.tsv");
        Files.write(manifest, entries.stream().map(line -> speech.resolve(line)).map(Path::toString).toList());
        String[] common = {"wer", "--model", SOURCE_MODEL.toString(), "--manifest", manifest.toString()};
        String text = DATA.resolve("text/ljspeech-sentences.txt").toString();

        double greedy = cer(run(common));
        String beam = run(concat(common, "--decoder", "beam", "--lm-text", text));
        assertTrue(beam.contains("beam search (width 16, 8-gram character LM from ljspeech-sentences.txt"), beam);
        assertTrue(cer(beam) < greedy - 2, "CER with the language model " + cer(beam) + "% against greedy " + greedy + "%");

        // Test transcripts added to the language model's text are dropped again by --lm-exclude.
        Path withTests = dir.resolve("text.txt");
        List<String> lines = new java.util.ArrayList<>(Files.readAllLines(Path.of(text)).subList(0, 500));
        entries.forEach(line -> lines.add(line.substring(line.indexOf('\t') + 1).toLowerCase() + "."));
        Files.write(withTests, lines);
        PrintStream savedErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            run(concat(common, "--decoder", "beam", "--lm-text", withTests.toString(), "--lm-exclude", manifest.toString()));
        } finally {
            System.setErr(savedErr);
        }
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("8-gram over 500 sentences of " + withTests
                + " (5 dropped: they overlap 5 excluded transcripts)"), err.toString(StandardCharsets.UTF_8));

        assertTrue(TtaCli.commandLine().execute(concat(common, "--lm-text", text)) != 0, "--lm-text needs --decoder beam");
    }

    private static String[] concat(String[] first, String... more) {
        return java.util.stream.Stream.concat(Arrays.stream(first), Arrays.stream(more)).toArray(String[]::new);
    }

    @Test
    void aMissingFileIsOneLineNamingIt() throws Exception {
        Path model = dir.resolve("model");
        HuggingFaceCheckpoints.save(RandomCheckpoint.create(RandomCheckpoint.tinyConfig(), 5), model, Safetensors.DType.F16);
        writeWav("a.wav", 16000, 0.5);
        Files.writeString(dir.resolve("m.tsv"), "a.wav\tHELLO\nwav/gone.wav\tGOODBYE\n");

        String werErrors = errorsOf("wer", "--model", model.toString(), "--manifest", dir.resolve("m.tsv").toString());
        assertTrue(werErrors.startsWith("tta wer: manifest " + dir.resolve("m.tsv") + ": 1 of 2 audio files not found, the first "
                + dir.resolve("wav/gone.wav").toAbsolutePath()), werErrors);
        assertEquals(1, werErrors.strip().lines().count(), "no stack trace: " + werErrors);

        String manifestErrors = errorsOf("wer", "--model", model.toString(), "--manifest", dir.resolve("none.tsv").toString());
        assertEquals("tta wer: manifest not found: " + dir.resolve("none.tsv"), manifestErrors.strip());

        String modelErrors = errorsOf("transcribe", "--model", dir.resolve("no-model").toString(), dir.resolve("a.wav").toString());
        assertTrue(modelErrors.startsWith("tta transcribe: "), modelErrors);
        assertEquals(1, modelErrors.strip().lines().count(), "no stack trace: " + modelErrors);
    }

    /** Runs a command that must fail (exit code 1) and returns what it wrote to standard error. */
    private static String errorsOf(String... args) {
        StringWriter errors = new StringWriter();
        assertEquals(1, TtaCli.commandLine().setErr(new PrintWriter(errors)).execute(args), "exit code of tta " + String.join(" ", args));
        return errors.toString();
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : new String[]{"demo", "transcribe", "wer", "synth", "train", "bench", "bench-ops", "bench-suta", "serve", "produce", "state", "bench-state"}) {
            String help = run(command, "--help");
            assertTrue(help.contains("Usage: tta " + command), help);
        }
    }
}
