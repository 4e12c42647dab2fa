package io.ttastream.adaptation.decode;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CharNgramLmTest {

    private static double probability(CharNgramLm lm, String history, char next) {
        return Math.exp(lm.logProbabilities(history)[lm.symbol(next)]);
    }

    @Test
    void bigramProbabilitiesAreInterpolatedKneserNeyWorkedOutByHand() {
        // Corpus "AB", "AC" over the alphabet A B C (plus space and end of sentence: 5 symbols).
        // Bigrams with the begin-of-sentence pad <s>: <s>A x2, AB, AC, B</s>, C</s>.
        // Unigram continuation counts: A 1, B 1, C 1, </s> 2 (total 5, 4 types); counts of counts give the
        // discounts D1 = 3 / (3 + 2*1) = 0.6 and D2 = 4 / (4 + 2*1) = 2/3.
        // p1(w) = max(n(w) - 0.6, 0) / 5 + 0.6 * 4 / 5 * 1/5: A, B, C 0.176, space 0.096, </s> 0.376.
        CharNgramLm lm = new CharNgramLm("ABC", 2, List.of("AB", "AC"));
        assertEquals(5, lm.symbolCount());
        assertEquals(0.176, probability(lm, " ", 'A'), 1e-12, "unseen context: the unigram level");
        assertEquals(0.096, probability(lm, " ", ' '), 1e-12);
        // p(B | A) = (1 - 2/3) / 2 + (2/3) * 2/2 * 0.176
        assertEquals(1.0 / 6 + 2.0 / 3 * 0.176, probability(lm, "A", 'B'), 1e-12);
        // p(</s> | B) = (1 - 2/3) / 1 + (2/3) * 1/1 * 0.376
        assertEquals(1.0 / 3 + 2.0 / 3 * 0.376, Math.exp(lm.logProbabilities("B")[lm.endOfSentence]), 1e-12);
        // p(A | <s>) = (2 - 2/3) / 2 + (2/3) * 1/2 * 0.176
        assertEquals(2.0 / 3 + 1.0 / 3 * 0.176, probability(lm, "", 'A'), 1e-12);
    }

    @Test
    void everyDistributionSumsToOne() {
        Random random = new Random(3);
        String alphabet = "ABCDE'";
        List<String> sentences = random.ints(200, 1, 30).mapToObj(n -> {
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < n; i++) s.append(" ABCDE'".charAt(random.nextInt(7)));
            return s.toString();
        }).toList();
        CharNgramLm lm = new CharNgramLm(alphabet, 5, sentences);
        for (String history : List.of("", "A", "AB", "E'D", "ABCDE", "DDDDDDD", "C A B")) {
            double sum = 0;
            for (double logP : lm.logProbabilities(history)) {
                assertTrue(logP < 0, "every symbol keeps some probability");
                sum += Math.exp(logP);
            }
            assertEquals(1.0, sum, 1e-9, "after '" + history + "'");
        }
    }

    @Test
    void longerContextsPredictARegularText() {
        List<String> sentences = List.of("THE CAT SAT ON THE MAT", "THE RAT SAT ON THE HAT", "THE CAT ATE THE RAT");
        CharNgramLm trigram = new CharNgramLm("ACEHMNORST", 3, sentences);
        CharNgramLm unigram = new CharNgramLm("ACEHMNORST", 1, sentences);
        assertTrue(probability(trigram, "TH", 'E') > 0.8, "TH is followed by E every time");
        assertTrue(probability(trigram, "TH", 'E') > probability(unigram, "TH", 'E'));
        assertTrue(probability(trigram, "CA", 'T') > probability(trigram, "CA", 'S'));
    }

    @Test
    void testSentencesAreKeptOutEvenWhenCutDifferently() {
        List<String> sentences = List.of(
                "The prisoner was taken away.",               // the transcript, punctuation aside
                "the prisoner was",                           // part of it
                "Then the prisoner was taken away, at last.", // contains it
                "Nothing to do with it.",
                "   ");
        List<String> kept = CharNgramLm.withoutTranscripts(sentences, List.of("THE PRISONER WAS TAKEN AWAY"));
        assertEquals(List.of("Nothing to do with it."), kept);
    }

    @Test
    void refusesWhatItCannotModel() {
        CharNgramLm lm = new CharNgramLm("AB", 3, List.of("AB BA"));
        assertThrows(IllegalArgumentException.class, () -> lm.logProbabilities("AXB"));
        assertThrows(IllegalArgumentException.class, () -> new CharNgramLm("AB", 0, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new CharNgramLm("AB", 11, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new CharNgramLm("AB", 2, List.of("ABC")),
                "a training character outside the alphabet");
    }
}
