package io.ttastream.adaptation.decode;

import io.ttastream.asr.Vocabulary;

/**
 * Greedy CTC decoding as Hugging Face's Wav2Vec2CTCTokenizer.decode does it: the argmax token of
 * every frame, repeats merged, blanks dropped, special tokens (&lt;s&gt;, &lt;/s&gt;, &lt;unk&gt;) dropped,
 * the word delimiter "|" turned into a space, spaces collapsed and trimmed.
 */
public final class GreedyCtcDecoder {
    private final Vocabulary vocabulary;

    public GreedyCtcDecoder(Vocabulary vocabulary) {
        this.vocabulary = vocabulary;
    }

    /** The argmax token id of every frame of logits [frames, vocab]. */
    public static int[] argmax(float[] logits, int vocabSize) {
        int frames = logits.length / vocabSize;
        int[] ids = new int[frames];
        for (int t = 0; t < frames; t++) {
            int best = 0;
            for (int c = 1; c < vocabSize; c++) {
                if (logits[t * vocabSize + c] > logits[t * vocabSize + best]) {
                    best = c;
                }
            }
            ids[t] = best;
        }
        return ids;
    }

    public String decode(float[] logits) {
        return decodeIds(argmax(logits, vocabulary.size()));
    }

    /** Collapses a frame-level id sequence into text. */
    public String decodeIds(int[] ids) {
        StringBuilder text = new StringBuilder();
        int previous = -1;
        for (int id : ids) {
            if (id != previous && id != vocabulary.blankId()) {
                String token = vocabulary.token(id);
                if (token.equals(Vocabulary.WORD_DELIMITER)) {
                    text.append(' ');
                } else if (!isSpecial(token)) {
                    text.append(token);
                }
            }
            previous = id;
        }
        return text.toString().trim().replaceAll(" +", " ");
    }

    private static boolean isSpecial(String token) {
        return token.length() > 2 && token.startsWith("<") && token.endsWith(">");
    }
}
