package io.ttastream.e2e;

import io.ttastream.app.TtaCli;
import io.ttastream.adaptation.model.RandomCheckpoint;
import io.ttastream.asr.Checkpoint;
import io.ttastream.asr.HuggingFaceCheckpoints;
import io.ttastream.asr.Safetensors;
import io.ttastream.asr.Wav2Vec2Config;
import io.ttastream.asr.audio.WavDecoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The source-model pipeline as a user runs it: synthesise a corpus with the real TTS engines,
 * train the quick configuration on it, load the exported Hugging Face model.
 */
class SynthTrainCliTest {
    @TempDir
    Path dir;

    private static boolean onPath(String program) {
        return List.of(System.getenv().getOrDefault("PATH", "").split(":")).stream()
                .anyMatch(p -> Files.isExecutable(Path.of(p, program)));
    }

    @Test
    void synthesisesTrainsQuicklyAndExportsALoadableModel() throws Exception {
        assumeTrue(onPath("espeak-ng") && onPath("flite") && onPath("text2wave"), "espeak-ng, flite and festival are not"
                + " installed (apt-get install espeak-ng flite festival festvox-kallpc16k; .ci/run does it)");
        Path text = dir.resolve("sentences.txt");
        Files.writeString(text, String.join("\n", "The quick brown fox.", "A cat sat on the mat.",
                "Printing is an art.", "We are at home.", "The sun is up.", "It was a long day.",
                "Go north now.", "She reads books."));
        Path corpus = dir.resolve("corpus");
        assertEquals(0, TtaCli.commandLine().execute("synth", "--text", text.toString(), "--out", corpus.toString(),
                "--count", "6", "--held-out-count", "2", "--voices", "espeak:en-us,flite:slt,festival:kal_diphone", "--held-out", "espeak:en-gb"));
        assertEquals(6, Files.readAllLines(corpus.resolve("train.tsv")).size());
        List<String> heldOut = Files.readAllLines(corpus.resolve("heldout.tsv"));
        assertEquals(2, heldOut.size());
        assertEquals(List.of(heldOut.get(1)), Files.readAllLines(corpus.resolve("dev.tsv")),
                "the development set is the held-out set's second half");
        assertTrue(Files.readString(corpus.resolve("heldout.tsv")).contains("espeak-en-gb"), "held-out voice");
        for (String voice : List.of("espeak-en-us", "flite-slt", "festival-kal_diphone")) {
            assertEquals(2, Files.readString(corpus.resolve("train.tsv")).lines().filter(l -> l.contains(voice)).count(), voice);
        }
        assertTrue(Files.readString(corpus.resolve("train.tsv")).lines().noneMatch(l -> l.contains("en-gb")),
                "the held-out voice never speaks a training utterance");

        Path out = dir.resolve("run");
        assertEquals(0, TtaCli.commandLine().execute("train", "--manifest", corpus.resolve("train.tsv").toString(),
                "--quick", "--steps", "4", "--out", out.toString()));
        assertEquals(32, HuggingFaceCheckpoints.load(out.resolve("model")).config().vocabSize());
        assertTrue(Files.isRegularFile(out.resolve("checkpoint/trainer.properties")), "resumable checkpoint");

        // The next stage of a trained pre-LN model: two layers grown to four, the CNN frozen, channels masked.
        Checkpoint preLn = RandomCheckpoint.create(new Wav2Vec2Config(32, 32, 2, 2, 64, "gelu", "layer",
                new int[]{32, 32, 32, 32, 32, 32, 32}, new int[]{10, 3, 3, 3, 3, 2, 2},
                new int[]{5, 2, 2, 2, 2, 2, 2}, true, 16, 4, true, 1e-5, true, 0), 5);
        Path init = dir.resolve("pre-ln");
        HuggingFaceCheckpoints.save(preLn, init, Safetensors.DType.F32);
        Path grown = dir.resolve("grown");
        assertEquals(0, TtaCli.commandLine().execute("train", "--manifest", corpus.resolve("train.tsv").toString(),
                "--quick", "--steps", "2", "--init", init.toString(), "--grow-layers", "4", "--freeze-feature-encoder",
                "--peak-lr", "1e-3", "--mask-feature-prob", "0.3", "--out", grown.toString()));
        Checkpoint next = HuggingFaceCheckpoints.load(grown.resolve("model"));
        assertEquals(4, next.config().numHiddenLayers());
        String conv = "wav2vec2.feature_extractor.conv_layers.1.conv.weight";
        assertArrayEquals(preLn.tensor(conv).data(), next.tensor(conv).data(), "frozen CNN");

        // A post-LN model cannot be grown: the command fails instead of training something else.
        assertNotEquals(0, TtaCli.commandLine().execute("train", "--manifest", corpus.resolve("train.tsv").toString(),
                "--quick", "--steps", "2", "--init", out.resolve("model").toString(), "--grow-layers", "4",
                "--out", dir.resolve("refused").toString()));
        assertFalse(Files.exists(dir.resolve("refused/model")));
        assertNotEquals(0, TtaCli.commandLine().execute("train", "--manifest", corpus.resolve("train.tsv").toString(),
                "--quick", "--steps", "2", "--mask-feature-prob", "1.5", "--out", dir.resolve("refused").toString()));
        assertFalse(Files.exists(dir.resolve("refused/model")), "a channel-mask share outside [0, 1) is refused");
    }

    @Test
    void trainingAudioThatDoesNotFitInTheHeapIsRefusedWithTheHeapItNeeds() throws Exception {
        // 120 listings of one 30 s WAV: 115 MB as 16-bit samples, against a child JVM with a 64 MB heap.
        float[] samples = new float[30 * 16000];
        for (int i = 0; i < samples.length; i++) samples[i] = (float) (0.1 * Math.sin(i * 0.05));
        Files.write(dir.resolve("long.wav"), WavDecoder.encodePcm16(samples, 16000));
        Path manifest = dir.resolve("big.tsv");
        Files.writeString(manifest, "long.wav\tA LONG SENTENCE\n".repeat(120));

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process train = new ProcessBuilder(java, "-Xmx64m", "--add-modules", "jdk.incubator.vector",
                "-cp", System.getProperty("java.class.path"), TtaCli.class.getName(), "train",
                "--manifest", manifest.toString(), "--quick", "--steps", "1", "--out", dir.resolve("oom").toString())
                .redirectErrorStream(true).start();
        String output = new String(train.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(train.waitFor(60, TimeUnit.SECONDS));
        assertNotEquals(0, train.exitValue(), output);
        assertTrue(output.contains("training utterances") && output.contains(" of 120 ") && output.contains("TTA_JAVA_OPTS=-Xmx"),
                output);
        assertFalse(Files.exists(dir.resolve("oom/model")), "nothing trained");
    }
}
