package io.ttastream.adaptation.decode;

import io.ttastream.asr.Vocabulary;
import io.ttastream.kernels.loss.LogSoftmax;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static io.ttastream.kernels.loss.LogSoftmax.logAdd;

/**
 * CTC prefix beam search (Hannun et al. 2014) over transcripts, optionally fused with a character
 * language model ("shallow fusion"): a transcript {@code y} of an utterance scores
 * {@code log P_ctc(y | audio) + lmWeight * log P_lm(y) + charBonus * |y|}, where {@code P_ctc} sums
 * every frame alignment that collapses to {@code y} and the bonus offsets the language model's cost per
 * character, which would otherwise favour short transcripts.
 *
 * <p>Hypotheses are texts as the greedy decoder writes them, so alignments are merged by what a user
 * reads: the blank and the vocabulary's special tokens ({@code <s>}, {@code <unk>}) emit nothing, a
 * word delimiter at the start or after another one adds nothing. Each hypothesis keeps the probability
 * of its alignments that end in a blank-like frame and of those that end in its last character,
 * since only the former can repeat that character. After every frame the {@code beamWidth} best
 * hypotheses survive; a character is tried only on frames where its log-probability is at least
 * {@code minLogProb} (or it is the frame's best). The language model scores the end of the sentence
 * too. Without a language model the decoder looks for the most probable transcript.
 */
public final class BeamSearchCtcDecoder implements CtcDecoder {

    /**
     * @param beamWidth  hypotheses kept after every frame
     * @param lmWeight   weight of the language model's log-probability
     * @param charBonus  score added per character of a transcript (spaces included)
     * @param minLogProb characters less likely than this on a frame are not tried there
     */
    public record Config(int beamWidth, double lmWeight, double charBonus, double minLogProb) implements Serializable {
        public Config {
            if (beamWidth < 1) throw new IllegalArgumentException("beam width " + beamWidth + " must be at least 1");
        }

        /** The weights measured best on the project's held-out synthetic development set (model card). */
        public static Config defaults() {
            return new Config(16, 1.0, 2.0, -10.0);
        }
    }

    private static final char BLANK_LIKE = 0;

    private final int classes;
    /** Per class id: the character it writes, ' ' for the word delimiter, {@link #BLANK_LIKE} for none. */
    private final char[] charOf;
    private final CharNgramLm lm;
    private final Config config;

    /**
     * @param vocabulary a character vocabulary (wav2vec2's: single characters, "|", specials written {@code <...>})
     * @param lm         the language model to fuse, or null for none
     */
    public BeamSearchCtcDecoder(Vocabulary vocabulary, CharNgramLm lm, Config config) {
        this.classes = vocabulary.size();
        this.charOf = new char[classes];
        for (int id = 0; id < classes; id++) {
            String token = vocabulary.token(id);
            if (id == vocabulary.blankId() || token.length() > 2 && token.startsWith("<") && token.endsWith(">")) {
                charOf[id] = BLANK_LIKE;
            } else if (token.equals(Vocabulary.WORD_DELIMITER)) {
                charOf[id] = ' ';
            } else if (token.length() == 1 && token.charAt(0) != ' ') {
                charOf[id] = token.charAt(0);
                if (lm != null && lm.symbol(Character.toUpperCase(token.charAt(0))) < 0) {
                    throw new IllegalArgumentException("the language model's alphabet lacks the vocabulary's '" + token + "'");
                }
            } else {
                throw new IllegalArgumentException("beam search needs a character vocabulary; token " + id
                        + " is \"" + token + "\"");
            }
        }
        this.lm = lm;
        this.config = config;
    }

    /** The characters a vocabulary writes, upper-cased: the alphabet of a language model for this decoder. */
    public static String alphabet(Vocabulary vocabulary) {
        StringBuilder out = new StringBuilder();
        for (String token : vocabulary.tokens()) {
            if (token.length() == 1 && !token.equals(Vocabulary.WORD_DELIMITER) && token.charAt(0) != ' ') {
                out.append(Character.toUpperCase(token.charAt(0)));
            }
        }
        return out.toString();
    }

    /** A hypothesis: its text and the log-probabilities of its alignments by how they end. */
    private static final class Hypothesis {
        final String text;
        /** log P_lm(text), not weighted; 0 without a language model. */
        final double lmLogProb;
        double endsInBlank = Double.NEGATIVE_INFINITY;
        double endsInChar = Double.NEGATIVE_INFINITY;

        Hypothesis(String text, double lmLogProb) {
            this.text = text;
            this.lmLogProb = lmLogProb;
        }

        double acoustic() {
            return logAdd(endsInBlank, endsInChar);
        }
    }

    @Override
    public String decode(float[] logits) {
        int frames = logits.length / classes;
        if (frames == 0 && logits.length == 0) {
            return ""; // as the greedy decoder: no frames, no text
        }
        LogSoftmax.checkShape(logits, frames, classes);
        double[] logP = LogSoftmax.rows(logits, frames, classes, 1.0);
        Hypothesis empty = new Hypothesis("", 0);
        empty.endsInBlank = 0;
        List<Hypothesis> beam = List.of(empty);
        for (int t = 0; t < frames; t++) {
            beam = step(beam, logP, t * classes);
        }
        return best(beam);
    }

    private List<Hypothesis> step(List<Hypothesis> beam, double[] logP, int row) {
        double blankLike = Double.NEGATIVE_INFINITY;
        double frameBest = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) {
            if (charOf[c] == BLANK_LIKE) blankLike = logAdd(blankLike, logP[row + c]);
            else frameBest = Math.max(frameBest, logP[row + c]);
        }
        Map<String, Hypothesis> next = new HashMap<>();
        for (Hypothesis h : beam) {
            double all = h.acoustic();
            Hypothesis same = next.computeIfAbsent(h.text, text -> new Hypothesis(text, h.lmLogProb));
            same.endsInBlank = logAdd(same.endsInBlank, all + blankLike);
            for (int c = 0; c < classes; c++) {
                char ch = charOf[c];
                double p = logP[row + c];
                if (ch == BLANK_LIKE || p < config.minLogProb() && p < frameBest) continue;
                boolean repeat = !h.text.isEmpty() && h.text.charAt(h.text.length() - 1) == ch;
                if (ch == ' ' && h.text.isEmpty()) {
                    same.endsInBlank = logAdd(same.endsInBlank, all + p); // a leading space writes nothing
                } else if (ch == ' ' && repeat) {
                    same.endsInChar = logAdd(same.endsInChar, all + p); // nor does a second space
                } else if (repeat) {
                    same.endsInChar = logAdd(same.endsInChar, h.endsInChar + p); // merged with the last character
                    Hypothesis doubled = extend(next, h, ch); // a blank came between: a second one
                    doubled.endsInChar = logAdd(doubled.endsInChar, h.endsInBlank + p);
                } else {
                    Hypothesis longer = extend(next, h, ch);
                    longer.endsInChar = logAdd(longer.endsInChar, all + p);
                }
            }
        }
        List<Hypothesis> ranked = new ArrayList<>(next.values());
        ranked.sort(Comparator.comparingDouble(this::score).reversed());
        return ranked.subList(0, Math.min(config.beamWidth(), ranked.size()));
    }

    private Hypothesis extend(Map<String, Hypothesis> next, Hypothesis h, char ch) {
        return next.computeIfAbsent(h.text + ch, text -> new Hypothesis(text,
                lm == null ? 0 : h.lmLogProb + lm.logProbabilities(upper(h.text))[lm.symbol(Character.toUpperCase(ch))]));
    }

    private double score(Hypothesis h) {
        return lm == null ? h.acoustic()
                : h.acoustic() + config.lmWeight() * h.lmLogProb + config.charBonus() * h.text.length();
    }

    /** The best finished transcript: a trailing space dropped, the end of the sentence scored. */
    private String best(List<Hypothesis> beam) {
        Map<String, Double> acoustic = new HashMap<>();
        for (Hypothesis h : beam) {
            acoustic.merge(h.text.strip(), h.acoustic(), LogSoftmax::logAdd);
        }
        String best = "";
        double bestScore = Double.NEGATIVE_INFINITY;
        for (var entry : acoustic.entrySet()) {
            String text = entry.getKey();
            double score = entry.getValue();
            if (lm != null) {
                score += config.lmWeight() * sentenceLogProb(upper(text)) + config.charBonus() * text.length();
            }
            if (score > bestScore) {
                best = text;
                bestScore = score;
            }
        }
        return best;
    }

    /** log P_lm of a whole sentence, its end included. */
    private double sentenceLogProb(String text) {
        double sum = 0;
        for (int i = 0; i < text.length(); i++) {
            sum += lm.logProbabilities(text.substring(0, i))[lm.symbol(text.charAt(i))];
        }
        return sum + lm.logProbabilities(text)[lm.endOfSentence];
    }

    private static String upper(String text) {
        return text.toUpperCase(Locale.ROOT);
    }
}
