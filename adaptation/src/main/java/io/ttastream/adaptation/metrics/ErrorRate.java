package io.ttastream.adaptation.metrics;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Word and character error rates by Levenshtein alignment, per utterance and accumulated over a
 * corpus.
 *
 * <p>Both texts first go through {@link #normalize(String)}, the convention of the project's
 * manifests (upper case, letters, apostrophes, single spaces). The corpus rate is total edits over
 * total reference length, as jiwer scores a list of sentences, not a mean of per-utterance rates.
 * Dynamic SUTA reports sum_i WER_i * n_i / sum_i n_i with n_i the reference word count, which is
 * the same number. CER counts the spaces between words as characters, as jiwer's cer does.
 *
 * <p>An instance is the corpus accumulator; it is not thread-safe.
 */
public final class ErrorRate {

    /**
     * Edit counts of one alignment, or of a sum of alignments.
     *
     * @param substitutions   reference units replaced by another unit
     * @param deletions       reference units missing from the hypothesis
     * @param insertions      hypothesis units with no reference counterpart
     * @param referenceLength number of units in the reference(s)
     */
    public record Edits(long substitutions, long deletions, long insertions, long referenceLength) {

        public static final Edits NONE = new Edits(0, 0, 0, 0);

        /** The edit distance: substitutions + deletions + insertions. */
        public long total() {
            return substitutions + deletions + insertions;
        }

        /**
         * total / referenceLength. An empty reference (which jiwer refuses) rates 0 when the
         * hypothesis is empty too and 1 otherwise.
         */
        public double rate() {
            if (referenceLength == 0) return total() == 0 ? 0 : 1;
            return (double) total() / referenceLength;
        }

        /** Field-wise sum, for corpus totals. */
        public Edits plus(Edits other) {
            return new Edits(substitutions + other.substitutions, deletions + other.deletions,
                    insertions + other.insertions, referenceLength + other.referenceLength);
        }
    }

    private Edits words = Edits.NONE;
    private Edits chars = Edits.NONE;
    private int utterances;

    /** Scores one utterance, adds it to the corpus totals and returns its word edits. */
    public Edits add(String reference, String hypothesis) {
        Edits utteranceWords = wordEdits(reference, hypothesis);
        words = words.plus(utteranceWords);
        chars = chars.plus(charEdits(reference, hypothesis));
        utterances++;
        return utteranceWords;
    }

    /** Corpus WER: all word edits over all reference words. */
    public double wer() {
        return words.rate();
    }

    /** Corpus CER: all character edits over all reference characters. */
    public double cer() {
        return chars.rate();
    }

    /** Word edits summed over the corpus. */
    public Edits words() {
        return words;
    }

    /** Character edits summed over the corpus. */
    public Edits chars() {
        return chars;
    }

    public int utterances() {
        return utterances;
    }

    public long referenceWords() {
        return words.referenceLength();
    }

    /**
     * Upper-cases, folds accented letters to their base letter, keeps letters and apostrophes
     * (typographic ones become {@code '}), turns hyphens, dashes and whitespace into word breaks,
     * deletes every other character, and joins the words with single spaces.
     * "Sixty-three, P.O. Box." becomes "SIXTY THREE PO BOX".
     */
    public static String normalize(String text) {
        String folded = Normalizer.normalize(text, Normalizer.Form.NFD).toUpperCase(Locale.ROOT);
        StringBuilder out = new StringBuilder(folded.length());
        boolean pendingSpace = false;
        for (int i = 0; i < folded.length(); i++) {
            char ch = folded.charAt(i);
            if (ch == '\u2019' || ch == '\u2018') ch = '\'';
            if (Character.isLetter(ch) || ch == '\'') {
                if (pendingSpace && out.length() > 0) out.append(' ');
                pendingSpace = false;
                out.append(ch);
            } else if (Character.isWhitespace(ch) || ch == '-' || ch == '\u2013' || ch == '\u2014') {
                pendingSpace = true;
            }
            // Anything else (punctuation, digits, accents split off by NFD) is dropped.
        }
        return out.toString();
    }

    /** Word-level edits between the normalised reference and hypothesis. */
    public static Edits wordEdits(String reference, String hypothesis) {
        Map<String, Integer> wordIds = new HashMap<>();
        return align(toWordIds(normalize(reference), wordIds), toWordIds(normalize(hypothesis), wordIds));
    }

    /** Character-level edits between the normalised reference and hypothesis; spaces count. */
    public static Edits charEdits(String reference, String hypothesis) {
        return align(normalize(reference).chars().toArray(), normalize(hypothesis).chars().toArray());
    }

    private static int[] toWordIds(String normalized, Map<String, Integer> wordIds) {
        if (normalized.isEmpty()) return new int[0];
        String[] words = normalized.split(" ");
        int[] ids = new int[words.length];
        for (int i = 0; i < words.length; i++) ids[i] = wordIds.computeIfAbsent(words[i], w -> wordIds.size());
        return ids;
    }

    /**
     * One step of an alignment: a reference unit and the hypothesis unit aligned with it, equal for a match;
     * {@link #NONE} in place of the hypothesis unit for a deletion, of the reference unit for an insertion.
     */
    record Step(int reference, int hypothesis) {
        static final int NONE = -1;
    }

    /** Edit counts of {@link #alignment}. */
    static Edits align(int[] reference, int[] hypothesis) {
        long substitutions = 0, deletions = 0, insertions = 0;
        for (Step step : alignment(reference, hypothesis)) {
            if (step.hypothesis() == Step.NONE) deletions++;
            else if (step.reference() == Step.NONE) insertions++;
            else if (step.reference() != step.hypothesis()) substitutions++;
        }
        return new Edits(substitutions, deletions, insertions, reference.length);
    }

    /**
     * A minimum-edit alignment: the distance by dynamic programming, then one optimal path traced back from the
     * end (diagonal moves preferred), returned from the start.
     */
    static List<Step> alignment(int[] reference, int[] hypothesis) {
        int n = reference.length;
        int m = hypothesis.length;
        int width = m + 1;
        // distance[i * width + j] = edits turning reference[0..i) into hypothesis[0..j).
        int[] distance = new int[(n + 1) * width];
        for (int i = 0; i <= n; i++) distance[i * width] = i;
        for (int j = 0; j <= m; j++) distance[j] = j;
        for (int i = 1; i <= n; i++) {
            for (int j = 1; j <= m; j++) {
                int diagonal = distance[(i - 1) * width + j - 1] + (reference[i - 1] == hypothesis[j - 1] ? 0 : 1);
                int deletion = distance[(i - 1) * width + j] + 1;
                int insertion = distance[i * width + j - 1] + 1;
                distance[i * width + j] = Math.min(diagonal, Math.min(deletion, insertion));
            }
        }
        List<Step> path = new ArrayList<>(Math.max(n, m));
        int i = n, j = m;
        while (i > 0 || j > 0) {
            int here = distance[i * width + j];
            if (i > 0 && j > 0
                    && here == distance[(i - 1) * width + j - 1] + (reference[i - 1] == hypothesis[j - 1] ? 0 : 1)) {
                path.add(new Step(reference[--i], hypothesis[--j]));
            } else if (i > 0 && here == distance[(i - 1) * width + j] + 1) {
                path.add(new Step(reference[--i], Step.NONE));
            } else {
                path.add(new Step(Step.NONE, hypothesis[--j]));
            }
        }
        Collections.reverse(path);
        return path;
    }
}
