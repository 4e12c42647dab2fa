package io.ttastream.adaptation.metrics;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Word and character error rates by Levenshtein alignment, accumulated over a corpus the way
 * jiwer scores a list: total edits over total reference length (not a mean of per-utterance rates).
 */
public final class ErrorRate {
    private long wordEdits;
    private long referenceWords;
    private long charEdits;
    private long referenceChars;
    private int utterances;

    /** Edit counts of one alignment. */
    public record Edits(int substitutions, int deletions, int insertions, int referenceLength) {
        public int total() {
            return substitutions + deletions + insertions;
        }

        public double rate() {
            return referenceLength == 0 ? (total() == 0 ? 0 : 1) : total() / (double) referenceLength;
        }
    }

    /** Upper-case letters and apostrophes with single spaces: the manifests' convention. */
    public static String normalize(String text) {
        String upper = text.toUpperCase(Locale.ROOT).replaceAll("[^A-Z' ]", " ");
        return upper.trim().replaceAll(" +", " ");
    }

    public static Edits wordEdits(String reference, String hypothesis) {
        return align(words(normalize(reference)), words(normalize(hypothesis)));
    }

    public static Edits charEdits(String reference, String hypothesis) {
        return align(chars(normalize(reference)), chars(normalize(hypothesis)));
    }

    private static List<String> words(String text) {
        return text.isEmpty() ? List.of() : Arrays.asList(text.split(" "));
    }

    private static List<String> chars(String text) {
        return text.chars().mapToObj(c -> String.valueOf((char) c)).toList();
    }

    /** Minimum edit alignment, counting substitutions, deletions and insertions on the way back. */
    static Edits align(List<String> ref, List<String> hyp) {
        int n = ref.size(), m = hyp.size();
        int[][] cost = new int[n + 1][m + 1];
        for (int i = 0; i <= n; i++) {
            cost[i][0] = i;
        }
        for (int j = 0; j <= m; j++) {
            cost[0][j] = j;
        }
        for (int i = 1; i <= n; i++) {
            for (int j = 1; j <= m; j++) {
                int substitution = cost[i - 1][j - 1] + (ref.get(i - 1).equals(hyp.get(j - 1)) ? 0 : 1);
                cost[i][j] = Math.min(substitution, Math.min(cost[i - 1][j] + 1, cost[i][j - 1] + 1));
            }
        }
        int s = 0, d = 0, ins = 0;
        int i = n, j = m;
        while (i > 0 || j > 0) {
            if (i > 0 && j > 0 && cost[i][j] == cost[i - 1][j - 1] + (ref.get(i - 1).equals(hyp.get(j - 1)) ? 0 : 1)) {
                if (!ref.get(i - 1).equals(hyp.get(j - 1))) {
                    s++;
                }
                i--;
                j--;
            } else if (i > 0 && cost[i][j] == cost[i - 1][j] + 1) {
                d++;
                i--;
            } else {
                ins++;
                j--;
            }
        }
        return new Edits(s, d, ins, n);
    }

    /** Adds one utterance to the corpus totals and returns its word edits. */
    public Edits add(String reference, String hypothesis) {
        Edits words = wordEdits(reference, hypothesis);
        Edits characters = charEdits(reference, hypothesis);
        wordEdits += words.total();
        referenceWords += words.referenceLength();
        charEdits += characters.total();
        referenceChars += characters.referenceLength();
        utterances++;
        return words;
    }

    public double wer() {
        return referenceWords == 0 ? 0 : wordEdits / (double) referenceWords;
    }

    public double cer() {
        return referenceChars == 0 ? 0 : charEdits / (double) referenceChars;
    }

    public int utterances() {
        return utterances;
    }

    public long referenceWords() {
        return referenceWords;
    }
}
