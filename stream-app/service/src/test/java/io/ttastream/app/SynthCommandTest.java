package io.ttastream.app;

import io.ttastream.adaptation.metrics.ErrorRate;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SynthCommandTest {

    @Test
    void usableSentencesDropLongOnesDigitsAndExcludedTranscripts() {
        List<String> lines = List.of(
                "The presidential vehicle, in use in Dallas.",
                "It cost 300 dollars.",
                "",
                "A sentence that is far too long for the limit given here.",
                "Whose admonition it was intended.  ");
        Set<String> heldOut = Set.of(ErrorRate.normalize("the presidential vehicle in use in dallas"));

        assertEquals(List.of("Whose admonition it was intended."),
                SynthCommand.usableSentences(lines, 45, heldOut));
        assertEquals(List.of("The presidential vehicle, in use in Dallas.", "Whose admonition it was intended."),
                SynthCommand.usableSentences(lines, 45, Set.of()));
    }
}
