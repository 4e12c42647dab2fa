package io.ttastream.adaptation.decode;

import io.ttastream.asr.Vocabulary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DecoderSpecTest {

    private static final Vocabulary VOCAB = Vocabulary.of(List.of("<pad>", "|", "A", "B", "C"), 0);

    /** C a little ahead of A on the first frame, then B: "CB" acoustically, "AB" for a language model that knows it. */
    private static float[] ambiguousLogits() {
        double[][] p = {
                {0.05, 0.01, 0.40, 0.04, 0.50},
                {0.90, 0.01, 0.03, 0.03, 0.03},
                {0.05, 0.01, 0.02, 0.90, 0.02},
        };
        float[] logits = new float[p.length * p[0].length];
        for (int t = 0; t < p.length; t++) {
            for (int c = 0; c < p[t].length; c++) logits[t * p[t].length + c] = (float) Math.log(p[t][c]);
        }
        return logits;
    }

    @Test
    void greedyIsTheDefaultAndBuildsTheBestPathDecoder() throws Exception {
        DecoderSpec greedy = DecoderSpec.greedy();
        assertEquals("greedy decoding", greedy.describe());
        CtcDecoder decoder = greedy.build(VOCAB, line -> { throw new AssertionError("no language model to report"); });
        assertInstanceOf(GreedyCtcDecoder.class, decoder);
        assertEquals("CB", decoder.decode(ambiguousLogits()));
    }

    @Test
    void theBeamSearchLearnsItsLanguageModelFromTheTextWithoutTheExcludedTranscripts(@TempDir Path dir) throws Exception {
        Path text = Files.writeString(dir.resolve("sentences.txt"), "AB\nAB AB\nBAB\nCC\nCB CB CB CB CB CB\n");
        Path manifest = Files.writeString(dir.resolve("test.tsv"), "a.wav\tCB\n");
        BeamSearchCtcDecoder.Config config = new BeamSearchCtcDecoder.Config(8, 1.0, 0, -10);
        List<String> log = new ArrayList<>();

        DecoderSpec withoutTest = new DecoderSpec("beam", config, text.toString(), List.of(manifest.toString()), 2);
        CtcDecoder decoder = withoutTest.build(VOCAB, log::add);
        assertEquals(1, log.size());
        assertTrue(log.get(0).contains("over 4 sentences") && log.get(0).contains("1 dropped"), log.get(0));
        assertEquals("AB", decoder.decode(ambiguousLogits()), "the only sentence saying CB was a test transcript");

        DecoderSpec leaky = new DecoderSpec("beam", config, text.toString(), List.of(), 2);
        assertEquals("CB", leaky.build(VOCAB, line -> { }).decode(ambiguousLogits()), "with it, CB wins");
        assertEquals("beam search (width 8, 2-gram character LM from sentences.txt (weight 1.0, char bonus 0.0))",
                leaky.describe());
    }

    @Test
    void refusesWhatItCannotBuildBeforeAnyFileIsRead() {
        BeamSearchCtcDecoder.Config config = BeamSearchCtcDecoder.Config.defaults();
        assertThrows(IllegalArgumentException.class, () -> new DecoderSpec("viterbi", config, null, List.of(), 8));
        IllegalArgumentException lmWithGreedy = assertThrows(IllegalArgumentException.class,
                () -> new DecoderSpec("greedy", config, "lm.txt", List.of(), 8));
        assertTrue(lmWithGreedy.getMessage().contains("--decoder beam"), lmWithGreedy.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new DecoderSpec("beam", config, "lm.txt", List.of(), 0));
    }

    @Test
    void travelsAsJavaSerialisationToAFlinkTask() throws Exception {
        DecoderSpec spec = new DecoderSpec("beam", new BeamSearchCtcDecoder.Config(32, 0.8, 1.5, -12),
                "/data/lm.txt", List.of("/data/a.tsv", "/data/b.tsv"), 6);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(spec);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertEquals(spec, in.readObject());
        }
    }
}
