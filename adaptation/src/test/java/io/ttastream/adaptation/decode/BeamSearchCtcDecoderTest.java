package io.ttastream.adaptation.decode;

import io.ttastream.asr.Vocabulary;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BeamSearchCtcDecoderTest {
    private static final BeamSearchCtcDecoder.Config EXHAUSTIVE =
            new BeamSearchCtcDecoder.Config(100_000, 0, 0, Double.NEGATIVE_INFINITY);

    /** Logits whose softmax is the given probabilities, [frames][classes]. */
    private static float[] logitsOf(double[][] probabilities) {
        int classes = probabilities[0].length;
        float[] logits = new float[probabilities.length * classes];
        for (int t = 0; t < probabilities.length; t++) {
            for (int c = 0; c < classes; c++) logits[t * classes + c] = (float) Math.log(probabilities[t][c]);
        }
        return logits;
    }

    /** The most probable transcript by brute force: every frame alignment, collapsed by the greedy decoder. */
    private static String mostProbableText(Vocabulary vocab, float[] logits, int frames) {
        int classes = vocab.size();
        GreedyCtcDecoder collapse = new GreedyCtcDecoder(vocab);
        Map<String, Double> probability = new HashMap<>();
        int[] path = new int[frames];
        for (int n = 0; n < Math.pow(classes, frames); n++) {
            double p = 1;
            for (int t = 0, rest = n; t < frames; t++, rest /= classes) {
                path[t] = rest % classes;
                double norm = 0;
                for (int c = 0; c < classes; c++) norm += Math.exp(logits[t * classes + c]);
                p *= Math.exp(logits[t * classes + path[t]]) / norm;
            }
            probability.merge(collapse.decodeIds(path), p, Double::sum);
        }
        return probability.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }

    @Test
    void withoutALanguageModelAWideBeamFindsTheMostProbableTranscript() {
        // Specials and the delimiter included: <unk> writes nothing, "|" at the start or twice writes one space.
        Vocabulary vocab = Vocabulary.of(List.of("<pad>", "|", "A", "B", "<unk>"), 0);
        BeamSearchCtcDecoder beam = new BeamSearchCtcDecoder(vocab, null, EXHAUSTIVE);
        Random random = new Random(11);
        int frames = 6;
        int differentFromGreedy = 0;
        for (int trial = 0; trial < 40; trial++) {
            float[] logits = new float[frames * vocab.size()];
            for (int i = 0; i < logits.length; i++) logits[i] = (float) (1.5 * random.nextGaussian());
            String expected = mostProbableText(vocab, logits, frames);
            assertEquals(expected, beam.decode(logits), "trial " + trial);
            if (!expected.equals(new GreedyCtcDecoder(vocab).decode(logits))) differentFromGreedy++;
        }
        // The check has teeth only where the best path's text is not the most probable text.
        assertEquals(true, differentFromGreedy > 0, "some trials where greedy decoding is wrong");
    }

    @Test
    void confidentFramesDecodeAsTheGreedyDecoderDoes() {
        Vocabulary vocab = Vocabulary.base960h();
        String[] path = {"<pad>", "H", "E", "L", "L", "<pad>", "L", "O", "|", "|", "W", "O", "<pad>", "R", "L", "D", "|"};
        double[][] p = new double[path.length][vocab.size()];
        for (int t = 0; t < path.length; t++) {
            java.util.Arrays.fill(p[t], 0.02 / (vocab.size() - 1));
            p[t][vocab.id(path[t])] = 0.98;
        }
        assertEquals("HELLO WORLD", new BeamSearchCtcDecoder(vocab, null, BeamSearchCtcDecoder.Config.defaults())
                .decode(logitsOf(p)));
        assertEquals("", new BeamSearchCtcDecoder(vocab, null, BeamSearchCtcDecoder.Config.defaults())
                .decode(new float[0]));
    }

    @Test
    void theLanguageModelDecidesWhereTheAudioIsAmbiguous() {
        Vocabulary vocab = Vocabulary.of(List.of("<pad>", "|", "A", "B", "C"), 0);
        double[][] p = {
                {0.05, 0.01, 0.40, 0.04, 0.50}, // C a little ahead of A
                {0.90, 0.01, 0.03, 0.03, 0.03},
                {0.05, 0.01, 0.02, 0.90, 0.02},
        };
        float[] logits = logitsOf(p);
        assertEquals("CB", new BeamSearchCtcDecoder(vocab, null, BeamSearchCtcDecoder.Config.defaults()).decode(logits));
        CharNgramLm lm = new CharNgramLm(BeamSearchCtcDecoder.alphabet(vocab), 2, List.of("AB", "AB AB", "BAB", "CC"));
        assertEquals("AB", new BeamSearchCtcDecoder(vocab, lm, new BeamSearchCtcDecoder.Config(8, 1.0, 0, -10))
                .decode(logits));
    }

    @Test
    void aLowerCaseVocabularyUsesTheUpperCaseLanguageModelAndWritesLowerCase() {
        Vocabulary vocab = Vocabulary.of(List.of("<pad>", "|", "a", "b"), 0);
        assertEquals("AB", BeamSearchCtcDecoder.alphabet(vocab));
        CharNgramLm lm = new CharNgramLm(BeamSearchCtcDecoder.alphabet(vocab), 3, List.of("ab ba", "abba"));
        double[][] p = {{0.1, 0.1, 0.7, 0.1}, {0.8, 0.1, 0.05, 0.05}, {0.1, 0.1, 0.1, 0.7}};
        assertEquals("ab", new BeamSearchCtcDecoder(vocab, lm, BeamSearchCtcDecoder.Config.defaults()).decode(logitsOf(p)));
    }

    @Test
    void refusesVocabulariesItCannotSpell() {
        Vocabulary pieces = Vocabulary.of(List.of("<pad>", "|", "TH", "E"), 0);
        assertThrows(IllegalArgumentException.class, () -> new BeamSearchCtcDecoder(pieces, null,
                BeamSearchCtcDecoder.Config.defaults()));
        Vocabulary digits = Vocabulary.of(List.of("<pad>", "|", "A", "7"), 0);
        CharNgramLm lettersOnly = new CharNgramLm("A", 2, List.of("A"));
        assertThrows(IllegalArgumentException.class, () -> new BeamSearchCtcDecoder(digits, lettersOnly,
                BeamSearchCtcDecoder.Config.defaults()));
        assertThrows(IllegalArgumentException.class, () -> new BeamSearchCtcDecoder.Config(0, 0, 0, 0));
    }
}
