package io.ttastream.adaptation.metrics;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CharacterErrorsTest {

    @Test
    void aCharacterHeardAsAnotherIsCountedAgainstItsOccurrences() {
        CharacterErrors errors = new CharacterErrors();
        errors.add("The man, the mat.", "the nan the mat");
        errors.add("MEN", "NEN");
        errors.add("MUM", "MUN");
        // Five Ms said, three heard as N; case and punctuation are normalised away first.
        assertEquals(List.of(new CharacterErrors.Row('M', 5, 3, 0, 'N', 3)), errors.worst(10));
        assertEquals(0.6, errors.worst(1).get(0).errorRate(), 1e-12);
    }

    @Test
    void deletionsAndInsertionsAreKeptApart() {
        CharacterErrors errors = new CharacterErrors();
        errors.add("FLAW", "LAWN"); // F deleted, N inserted
        errors.add("CART", "CAT"); // R deleted
        errors.add("CAT", "CAAT"); // an A inserted
        assertEquals(List.of(new CharacterErrors.Row('F', 1, 0, 1, (char) 0, 0),
                new CharacterErrors.Row('R', 1, 0, 1, (char) 0, 0)), errors.worst(10));
        assertEquals(Map.of('N', 1L, 'A', 1L), errors.insertions());
    }

    @Test
    void theWorstComeFirstAndTiesAlphabetically() {
        CharacterErrors errors = new CharacterErrors();
        errors.add("RRR LL DD BB", "WWW NN TT BB");
        assertEquals(List.of('R', 'D', 'L'), errors.worst(3).stream().map(CharacterErrors.Row::character).toList());
        assertEquals(2, errors.worst(2).size());
        // A character heard as two others names the commoner one; a tie goes to the alphabetically first.
        errors.add("S S S", "Z C Z");
        errors.add("P P", "T B");
        CharacterErrors.Row s = errors.worst(10).stream().filter(row -> row.character() == 'S').findFirst().orElseThrow();
        assertEquals(new CharacterErrors.Row('S', 3, 3, 0, 'Z', 2), s);
        CharacterErrors.Row p = errors.worst(10).stream().filter(row -> row.character() == 'P').findFirst().orElseThrow();
        assertEquals('B', p.commonestSubstitute());
    }

    /** Every edit the character error rate counts is one row's substitution or deletion, or an insertion. */
    @Test
    void theRowsAndInsertionsAddUpToTheCharacterEdits() {
        String[][] pairs = {{"BENEFITS OF THE INDUSTRIAL RECOVERY PROGRAM", "BANFITC OF THE INDUS P WITCOVRY PRORAND"},
                {"FROM THE OUTSET OSWALD DENIED OWNING A RIFLE", "FROMTHITT OS WALD DEN I DONINGAVRIFL"},
                {"THE FIRST BORN SON", ""}, {"", "UH"}};
        CharacterErrors errors = new CharacterErrors();
        ErrorRate rate = new ErrorRate();
        for (String[] pair : pairs) {
            errors.add(pair[0], pair[1]);
            rate.add(pair[0], pair[1]);
        }
        List<CharacterErrors.Row> rows = errors.worst(Integer.MAX_VALUE);
        assertEquals(rate.chars().substitutions(), rows.stream().mapToLong(CharacterErrors.Row::substitutions).sum());
        assertEquals(rate.chars().deletions(), rows.stream().mapToLong(CharacterErrors.Row::deletions).sum());
        assertEquals(rate.chars().insertions(), errors.insertions().values().stream().mapToLong(Long::longValue).sum());
    }
}
