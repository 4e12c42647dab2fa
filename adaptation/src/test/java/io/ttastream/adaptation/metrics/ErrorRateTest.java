package io.ttastream.adaptation.metrics;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ErrorRateTest {

    @Test
    void countsSubstitutionsDeletionsAndInsertions() {
        ErrorRate.Edits substitutionAndInsertion = ErrorRate.wordEdits("A B C D", "A X C D E");
        assertEquals(1, substitutionAndInsertion.substitutions());
        assertEquals(0, substitutionAndInsertion.deletions());
        assertEquals(1, substitutionAndInsertion.insertions());
        ErrorRate.Edits deletion = ErrorRate.wordEdits("A B C D", "A C D");
        assertEquals(0, deletion.substitutions());
        assertEquals(1, deletion.deletions());
        assertEquals(0, deletion.insertions());
        // Three edits either way this pair is aligned; the rate is what matters.
        ErrorRate.Edits mixed = ErrorRate.wordEdits("THE CAT SAT ON THE MAT", "THE CAT SIT ON MAT NOW");
        assertEquals(3, mixed.total());
        assertEquals(0.5, mixed.rate(), 1e-12);
    }

    @Test
    void textbookExamples() {
        assertEquals(new ErrorRate.Edits(1, 1, 0, 6), ErrorRate.wordEdits("THE CAT SAT ON THE MAT", "THE CAT SIT ON MAT"));
        assertEquals(0.5, ErrorRate.wordEdits("hello world", "hello duck").rate(), 1e-15);
        // intention -> execution: Levenshtein distance 5; flaw -> lawn: delete F, insert N.
        assertEquals(5, ErrorRate.charEdits("INTENTION", "EXECUTION").total());
        assertEquals(new ErrorRate.Edits(0, 1, 1, 4), ErrorRate.charEdits("FLAW", "LAWN"));
    }

    @Test
    void characterErrorRateIgnoresCaseAndPunctuation() {
        ErrorRate.Edits e = ErrorRate.charEdits("Kitten!", "sitting");
        // kitten -> sitting: k->s, e->i, +g (the classic distance 3) over 6 characters.
        assertEquals(new ErrorRate.Edits(2, 0, 1, 6), e);
    }

    @Test
    void characterErrorRateCountsSpaces() {
        // "AB CD" has 5 characters; losing the space is one deletion.
        assertEquals(new ErrorRate.Edits(0, 1, 0, 5), ErrorRate.charEdits("AB CD", "ABCD"));
    }

    @Test
    void emptySides() {
        assertEquals(new ErrorRate.Edits(0, 3, 0, 3), ErrorRate.wordEdits("ONE TWO THREE", ""));
        assertEquals(1.0, ErrorRate.wordEdits("ONE TWO THREE", "").rate(), 1e-12);
        assertEquals(1.0, ErrorRate.wordEdits("", "EXTRA").rate(), 1e-12);
        assertEquals(0.0, ErrorRate.wordEdits("", "").rate(), 1e-12);
    }

    @Test
    void corpusRateIsTotalEditsOverTotalReferenceWords() {
        ErrorRate corpus = new ErrorRate();
        corpus.add("A B C D", "A B C D");          // 0 of 4
        corpus.add("HELLO", "YELLOW");             // 1 of 1
        assertEquals(1 / 5.0, corpus.wer(), 1e-12); // not the mean of 0 and 1
        assertEquals(2, corpus.utterances());
    }

    @Test
    void corpusAccumulatesWordAndCharacterCounts() {
        ErrorRate corpus = new ErrorRate();
        assertEquals(0.25, corpus.add("A B C D", "A B C X").rate(), 1e-15);  // 1 of 4 words
        assertEquals(1.0, corpus.add("E F", "G").rate(), 1e-15);             // 2 of 2 words
        assertEquals(0.5, corpus.wer(), 1e-15);                               // 3 / 6, not (0.25 + 1) / 2
        assertEquals(new ErrorRate.Edits(2, 1, 0, 6), corpus.words());
        assertEquals(6, corpus.referenceWords());
        // Characters: "A B C D" (7) has 1 substitution; "E F" (3) -> "G" is 1 substitution and 2 deletions.
        assertEquals(new ErrorRate.Edits(2, 2, 0, 10), corpus.chars());
        assertEquals(0.4, corpus.cer(), 1e-15);
    }

    @Test
    void normalisesToTheManifestConvention() {
        assertEquals("IT'S A TEST", ErrorRate.normalize("  it's, a   test. "));
        assertEquals("SIXTY THREE PO BOX", ErrorRate.normalize("Sixty-three, P.O. Box."));
        assertEquals("MOSS' FATHER IN LAW", ErrorRate.normalize("\"Moss\u2019 father-in-law,\""));
        assertEquals("CAFE UBER", ErrorRate.normalize("  café \t Über  "));
        assertEquals("", ErrorRate.normalize(" ... "));
        assertEquals(0, ErrorRate.wordEdits("Hello, world!", "HELLO WORLD").total());
    }
}
