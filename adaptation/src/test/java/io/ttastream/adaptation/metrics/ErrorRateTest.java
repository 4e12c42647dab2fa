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
    void characterErrorRateIgnoresCaseAndPunctuation() {
        ErrorRate.Edits e = ErrorRate.charEdits("Kitten!", "sitting");
        // kitten -> sitting: k->s, e->i, +g (the classic distance 3) over 6 characters.
        assertEquals(3, e.total());
        assertEquals(6, e.referenceLength());
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
    void normalisesToTheManifestConvention() {
        assertEquals("IT'S A TEST", ErrorRate.normalize("  it's, a   test. "));
        assertEquals(1.0, ErrorRate.wordEdits("", "EXTRA").rate(), 1e-12);
        assertEquals(0.0, ErrorRate.wordEdits("", "").rate(), 1e-12);
    }
}
