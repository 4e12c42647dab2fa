package io.ttastream.adaptation.decode;

import io.ttastream.asr.Vocabulary;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class GreedyCtcDecoderTest {
    private final Vocabulary vocab = Vocabulary.englishCharacters();
    private final GreedyCtcDecoder decoder = new GreedyCtcDecoder(vocab);

    private int[] ids(String... tokens) {
        int[] out = new int[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            out[i] = vocab.id(tokens[i]);
        }
        return out;
    }

    @Test
    void mergesRepeatsDropsBlanksAndTurnsDelimitersIntoSpaces() {
        // "HELLO WORLD": the double L survives only because a blank separates it.
        assertEquals("HELLO WORLD", decoder.decodeIds(ids("<pad>", "H", "H", "E", "L", "L", "<pad>", "L", "O", "|", "|",
                "W", "O", "<pad>", "R", "L", "D", "D", "|")));
    }

    @Test
    void dropsSpecialTokensAndCollapsesSpaces() {
        assertEquals("A B", decoder.decodeIds(ids("|", "<s>", "A", "|", "<unk>", "|", "B", "</s>", "|")));
        assertEquals("", decoder.decodeIds(ids("<pad>", "<pad>")));
    }

    @Test
    void argmaxPicksTheLargestLogitPerFrame() {
        float[] logits = new float[3 * 32];
        logits[5] = 2f;           // frame 0 -> E
        logits[32 + 7] = 1f;      // frame 1 -> A
        logits[64] = -1f;         // frame 2: all others 0 > -1, first maximum wins -> id 1
        assertArrayEquals(new int[]{5, 7, 1}, GreedyCtcDecoder.argmax(logits, 32));
        assertEquals("EA", decoder.decode(logits));
    }
}
