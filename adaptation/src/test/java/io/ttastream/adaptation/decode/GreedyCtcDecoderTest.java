package io.ttastream.adaptation.decode;

import io.ttastream.asr.Vocabulary;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class GreedyCtcDecoderTest {
    private final Vocabulary vocab = Vocabulary.base960h();
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
        // "|", blank, "|" is two spaces in Hugging Face's output; here it is one.
        assertEquals("A CAT", decoder.decodeIds(ids("|", "A", "|", "<pad>", "|", "C", "A", "T")));
    }

    @Test
    void specialTokensNotListedAsDroppedStayLiteralAsInHuggingFaceDefault() {
        GreedyCtcDecoder literal = new GreedyCtcDecoder(vocab.tokens().toArray(String[]::new), vocab.blankId(), "|", Set.of());
        assertEquals("<s>A<unk>B</s>", literal.decodeIds(ids("<s>", "A", "<unk>", "B", "B", "</s>")));
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

    @Test
    void decodeWithFrameIdsReturnsTextAndEveryFramesArgmax() {
        String[] tokens = {"<pad>", "|", "O", "N"};
        GreedyCtcDecoder small = new GreedyCtcDecoder(tokens, 0, "|", Set.of());
        float[] logits = {
                0.1f, 0.0f, 2.0f, 0.5f,   // O
                0.0f, 0.0f, 1.0f, 0.9f,   // O again: merged
                3.0f, 0.0f, 1.0f, 1.0f,   // blank
                0.0f, 0.0f, 1.0f, 1.5f,   // N
                0.7f, 0.7f, 0.1f, 0.2f,   // tie between blank and "|": the lower id wins
        };
        GreedyCtcDecoder.Decoding decoding = small.decodeWithFrameIds(logits);
        assertArrayEquals(new int[]{2, 2, 0, 3, 0}, decoding.frameIds());
        assertEquals("ON", decoding.text());
    }

    @Test
    void rejectsIdsOutsideTheVocabularyAndRaggedLogits() {
        assertThrows(IllegalArgumentException.class, () -> decoder.decodeIds(new int[]{vocab.size()}));
        assertThrows(IllegalArgumentException.class, () -> GreedyCtcDecoder.argmax(new float[7], 3));
    }
}
