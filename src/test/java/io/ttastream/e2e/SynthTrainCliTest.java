package io.ttastream.e2e;

import io.ttastream.app.TtaCli;
import io.ttastream.asr.HuggingFaceCheckpoints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
        assertEquals(2, Files.readAllLines(corpus.resolve("heldout.tsv")).size());
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
    }
}
