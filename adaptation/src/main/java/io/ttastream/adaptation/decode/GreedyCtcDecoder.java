package io.ttastream.adaptation.decode;

import io.ttastream.asr.Vocabulary;
import io.ttastream.kernels.loss.LogSoftmax;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Greedy (best path) CTC decoding: the argmax label of every frame, repeats merged, blanks
 * dropped, ids mapped to tokens, the word delimiter turned into a space.
 *
 * <p>This follows Hugging Face's {@code Wav2Vec2CTCTokenizer.batch_decode(argmax ids)}, which is
 * what SUTA and Dynamic SUTA score: group consecutive equal tokens, remove the pad token (the
 * blank), replace {@code "|"} with a space, strip. Two differences, both on purpose:
 * <ul>
 *   <li>Runs of spaces are collapsed to one. HF keeps the double space that "|, blank, |" gives;
 *       WER tools split on whitespace, so scores do not change.</li>
 *   <li>{@code droppedTokens} are removed like the blank, after grouping. HF's default
 *       ({@code skip_special_tokens=False}) writes {@code <s>}, {@code </s>} and {@code <unk>}
 *       into the text literally; an empty set gives that. HF with {@code skip_special_tokens=True}
 *       drops them before grouping, and in some versions drops the pad before grouping too, which
 *       merges genuine double letters ("LL" to "L").</li>
 * </ul>
 * HF's optional {@code clean_up_tokenization} (it rewrites " ' " to "'" and lower-case
 * contractions) is not applied.
 */
public final class GreedyCtcDecoder implements CtcDecoder {

    /**
     * One decoded utterance.
     *
     * @param text     the transcript, words separated by single spaces
     * @param frameIds the argmax class of every frame, before merging
     */
    public record Decoding(String text, int[] frameIds) {}

    private final String[] idToToken;
    private final int blankId;
    private final String wordDelimiter;
    private final Set<String> droppedTokens;

    /**
     * @param idToToken     token text of every class id
     * @param blankId       id of the CTC blank
     * @param wordDelimiter token that stands for a space between words
     * @param droppedTokens tokens removed from the transcript, like the blank
     */
    public GreedyCtcDecoder(String[] idToToken, int blankId, String wordDelimiter, Set<String> droppedTokens) {
        if (blankId < 0 || blankId >= idToToken.length) {
            throw new IllegalArgumentException("blankId " + blankId + " outside the vocabulary of " + idToToken.length);
        }
        this.idToToken = idToToken.clone();
        this.blankId = blankId;
        this.wordDelimiter = wordDelimiter;
        this.droppedTokens = Set.copyOf(droppedTokens);
    }

    /**
     * The wav2vec2 convention for a checkpoint's vocabulary: its blank, {@code "|"} between words,
     * and every special token written {@code <...>} ({@code <s>}, {@code </s>}, {@code <unk>})
     * dropped from the transcript.
     */
    public GreedyCtcDecoder(Vocabulary vocabulary) {
        this(vocabulary.tokens().toArray(String[]::new), vocabulary.blankId(), Vocabulary.WORD_DELIMITER,
                vocabulary.tokens().stream()
                        .filter(token -> token.length() > 2 && token.startsWith("<") && token.endsWith(">"))
                        .collect(Collectors.toSet()));
    }

    @Override
    public String decode(float[] logits) {
        return decodeWithFrameIds(logits).text();
    }

    /** The transcript of logits [frames, vocabulary size] together with every frame's argmax id. */
    public Decoding decodeWithFrameIds(float[] logits) {
        int[] frameIds = argmax(logits, idToToken.length);
        return new Decoding(decodeIds(frameIds), frameIds);
    }

    /** Turns per-frame ids into text: merge repeats, drop blanks and dropped tokens, map to tokens. */
    public String decodeIds(int[] frameIds) {
        StringBuilder text = new StringBuilder();
        int previous = -1;
        for (int id : frameIds) {
            if (id < 0 || id >= idToToken.length) {
                throw new IllegalArgumentException("id " + id + " outside the vocabulary of " + idToToken.length);
            }
            if (id == previous) continue;
            previous = id;
            String token = idToToken[id];
            if (id == blankId || droppedTokens.contains(token)) continue;
            text.append(token.equals(wordDelimiter) ? " " : token);
        }
        return text.toString().trim().replaceAll(" {2,}", " ");
    }

    /**
     * The argmax class of every frame of logits, row-major [frames, classes]; ties go to the
     * lowest id, as torch.argmax does.
     */
    public static int[] argmax(float[] logits, int classes) {
        return LogSoftmax.argmax(logits, classes);
    }
}
