package io.ttastream.adaptation.metrics;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which characters a recogniser gets wrong over a corpus, and what it hears instead, from the same alignments that
 * {@link ErrorRate#charEdits} counts. A voice the model hears badly shows as a few characters wrong most of the time
 * (an M heard as N nearly every time) rather than as errors spread evenly over the alphabet.
 *
 * <p>Not thread-safe, like {@link ErrorRate}.
 */
public final class CharacterErrors {

    /**
     * One reference character over the corpus.
     *
     * @param character           the character, as {@link ErrorRate#normalize} leaves it (a space included)
     * @param occurrences         how often the references hold it
     * @param substitutions       how often another character stands in its place
     * @param deletions           how often nothing does
     * @param commonestSubstitute the character most often in its place (0 when there are no substitutions)
     * @param commonestCount      how often that one is
     */
    public record Row(char character, long occurrences, long substitutions, long deletions, char commonestSubstitute,
                      long commonestCount) {

        public long errors() {
            return substitutions + deletions;
        }

        public double errorRate() {
            return (double) errors() / occurrences;
        }
    }

    private final Map<Character, Long> occurrences = new HashMap<>();
    private final Map<Character, Map<Character, Long>> substitutes = new HashMap<>();
    private final Map<Character, Long> deletions = new HashMap<>();
    private final Map<Character, Long> insertions = new HashMap<>();

    /** Aligns one utterance's normalised texts and counts its characters and their errors. */
    public void add(String reference, String hypothesis) {
        int[] referenceChars = ErrorRate.normalize(reference).chars().toArray();
        int[] hypothesisChars = ErrorRate.normalize(hypothesis).chars().toArray();
        for (ErrorRate.Step step : ErrorRate.alignment(referenceChars, hypothesisChars)) {
            char heard = (char) step.hypothesis();
            if (step.reference() == ErrorRate.Step.NONE) {
                insertions.merge(heard, 1L, Long::sum);
                continue;
            }
            char said = (char) step.reference();
            occurrences.merge(said, 1L, Long::sum);
            if (step.hypothesis() == ErrorRate.Step.NONE) {
                deletions.merge(said, 1L, Long::sum);
            } else if (heard != said) {
                substitutes.computeIfAbsent(said, c -> new HashMap<>()).merge(heard, 1L, Long::sum);
            }
        }
    }

    /** The {@code count} reference characters with the most errors, most first (ties in alphabetical order). */
    public List<Row> worst(int count) {
        return occurrences.keySet().stream().map(this::row).filter(row -> row.errors() > 0)
                .sorted(Comparator.comparingLong(Row::errors).reversed().thenComparing(Row::character))
                .limit(count).toList();
    }

    /** Characters the hypotheses hold with no reference character aligned, and how often. */
    public Map<Character, Long> insertions() {
        return Map.copyOf(insertions);
    }

    private Row row(char character) {
        Map<Character, Long> heardAs = substitutes.getOrDefault(character, Map.of());
        // The commonest substitute; of equally common ones, the alphabetically first.
        Comparator<Map.Entry<Character, Long>> byCount = Map.Entry.comparingByValue();
        Map.Entry<Character, Long> commonest = heardAs.entrySet().stream()
                .max(byCount.thenComparing(Map.Entry::getKey, Comparator.reverseOrder()))
                .orElse(Map.entry((char) 0, 0L));
        long substitutions = heardAs.values().stream().mapToLong(Long::longValue).sum();
        return new Row(character, occurrences.get(character), substitutions, deletions.getOrDefault(character, 0L),
                commonest.getKey(), commonest.getValue());
    }
}
