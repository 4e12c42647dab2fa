package io.ttastream.adaptation.decode;

import io.ttastream.adaptation.metrics.ErrorRate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A character n-gram language model with interpolated Kneser-Ney smoothing (Chen and Goodman 1998, one
 * discount per order from the counts of counts), over an alphabet of characters plus the space and an
 * end-of-sentence symbol. The CTC beam search asks it how likely the next character of a transcript is.
 *
 * <p>Training text goes through {@link ErrorRate#normalize}, the form transcripts are scored in, and each
 * sentence is padded on the left with begin-of-sentence symbols, so every position has a full context.
 * The highest order counts n-grams; every lower order counts how many distinct symbols precede an
 * n-gram (its continuation count). Then
 * {@code p_k(w | h) = max(c(h w) - D_k, 0) / c(h) + D_k N(h) / c(h) * p_{k-1}(w | h')}, where {@code N(h)}
 * is the number of distinct symbols seen after {@code h} and {@code h'} drops the oldest symbol of
 * {@code h}; an unseen context falls through to {@code p_{k-1}}, and below order 1 every symbol is
 * equally likely. Each distribution sums to one.
 */
public final class CharNgramLm {
    /** The symbol id of the end of a sentence; ids below it are the alphabet's characters and the space. */
    public final int endOfSentence;
    private final int beginOfSentence;
    private final int order;
    private final Map<Character, Integer> symbolOf = new HashMap<>();
    /** Per order k (index k - 1): n-gram key to its count (raw for the highest order, continuation below). */
    private final Map<Long, Integer>[] counts;
    /** Per order: context key to {sum of its n-gram counts, number of distinct next symbols}. */
    private final Map<Long, int[]>[] contexts;
    private final double[] discounts;
    /**
     * Distributions already computed, by full context key (the decoder asks for the same ones often); concurrent,
     * since one model serves every stream thread of the service.
     */
    private final Map<Long, double[]> cache = new ConcurrentHashMap<>();

    /**
     * @param alphabet  the characters (besides the space) transcripts are made of
     * @param order     n, the length of the longest n-gram, 1 to 10
     * @param sentences training text, one sentence per element
     */
    @SuppressWarnings("unchecked")
    public CharNgramLm(String alphabet, int order, List<String> sentences) {
        if (order < 1 || order > 10) {
            throw new IllegalArgumentException("order " + order + " outside 1..10");
        }
        for (char ch : alphabet.toCharArray()) {
            if (ch != ' ') symbolOf.putIfAbsent(ch, symbolOf.size());
        }
        symbolOf.put(' ', symbolOf.size());
        if (symbolOf.size() + 2 >= 1 << BITS) {
            throw new IllegalArgumentException("alphabet of " + symbolOf.size() + " symbols; at most " + ((1 << BITS) - 3));
        }
        this.endOfSentence = symbolOf.size();
        this.beginOfSentence = endOfSentence + 1;
        this.order = order;
        this.counts = new Map[order];
        this.contexts = new Map[order];
        for (int k = 0; k < order; k++) {
            counts[k] = new HashMap<>();
            contexts[k] = new HashMap<>();
        }
        for (String sentence : sentences) {
            int[] symbols = symbols(ErrorRate.normalize(sentence));
            if (symbols.length == 0) continue;
            int[] padded = new int[order - 1 + symbols.length + 1];
            Arrays.fill(padded, 0, order - 1, beginOfSentence);
            System.arraycopy(symbols, 0, padded, order - 1, symbols.length);
            padded[padded.length - 1] = endOfSentence;
            for (int end = order - 1; end < padded.length; end++) {
                counts[order - 1].merge(key(padded, end - order + 1, end + 1), 1, Integer::sum);
            }
        }
        // Continuation counts: every distinct n-gram of order k + 1 adds one to its suffix of order k.
        for (int k = order - 1; k >= 1; k--) {
            for (long ngram : counts[k].keySet()) {
                counts[k - 1].merge(dropOldest(ngram, k + 1), 1, Integer::sum);
            }
        }
        this.discounts = new double[order];
        for (int k = 0; k < order; k++) {
            int ones = 0;
            int twos = 0;
            for (var entry : counts[k].entrySet()) {
                int c = entry.getValue();
                if (c == 1) ones++;
                if (c == 2) twos++;
                int[] context = contexts[k].computeIfAbsent(entry.getKey() >>> BITS, x -> new int[2]);
                context[0] += c;
                context[1]++;
            }
            discounts[k] = ones + twos == 0 ? 0.5 : Math.max(0.1, Math.min(0.9, ones / (ones + 2.0 * twos)));
        }
    }

    /**
     * The sentences that neither contain nor are part of any of {@code transcripts}, compared normalised: a
     * language model's training text with the test sentences taken out, even where the test set cut a
     * sentence differently.
     */
    public static List<String> withoutTranscripts(List<String> sentences, Collection<String> transcripts) {
        List<String> excluded = transcripts.stream().map(ErrorRate::normalize).filter(t -> !t.isEmpty()).toList();
        List<String> kept = new ArrayList<>();
        for (String sentence : sentences) {
            String normalized = ErrorRate.normalize(sentence);
            if (normalized.isEmpty()) continue;
            if (excluded.stream().noneMatch(t -> t.contains(normalized) || normalized.contains(t))) {
                kept.add(sentence);
            }
        }
        return kept;
    }

    /** The number of symbols a distribution covers: the alphabet, the space and the end of sentence. */
    public int symbolCount() {
        return endOfSentence + 1;
    }

    /** The symbol id of a character, or -1 when it is not in the alphabet. */
    public int symbol(char ch) {
        Integer id = symbolOf.get(ch);
        return id == null ? -1 : id;
    }

    /** The order n of the model. */
    public int order() {
        return order;
    }

    /**
     * Natural-log probabilities of every next symbol after {@code history}, a transcript's normalised text
     * so far (only its last n - 1 characters matter; an empty history is the start of a sentence).
     */
    public double[] logProbabilities(String history) {
        int[] context = new int[order - 1];
        Arrays.fill(context, beginOfSentence);
        int[] symbols = symbols(history.length() <= order - 1 ? history : history.substring(history.length() - order + 1));
        System.arraycopy(symbols, 0, context, context.length - symbols.length, symbols.length);
        long contextKey = key(context, 0, context.length);
        return cache.computeIfAbsent(contextKey, k -> distribution(context));
    }

    private double[] distribution(int[] context) {
        double[] p = new double[symbolCount()];
        Arrays.fill(p, 1.0 / p.length);
        for (int k = 1; k <= order; k++) {
            long contextKey = key(context, context.length - (k - 1), context.length);
            int[] stats = contexts[k - 1].get(contextKey);
            if (stats == null) continue; // unseen context: the lower order's distribution stands
            double total = stats[0];
            double d = discounts[k - 1];
            double backoff = d * stats[1] / total;
            for (int w = 0; w < p.length; w++) {
                Integer c = counts[k - 1].get(contextKey << BITS | (w + 1));
                p[w] = (c == null ? 0 : Math.max(c - d, 0)) / total + backoff * p[w];
            }
        }
        for (int w = 0; w < p.length; w++) p[w] = Math.log(p[w]);
        return p;
    }

    private int[] symbols(String text) {
        int[] out = new int[text.length()];
        for (int i = 0; i < out.length; i++) {
            int id = symbol(text.charAt(i));
            if (id < 0) {
                throw new IllegalArgumentException("'" + text.charAt(i) + "' is not in the language model's alphabet");
            }
            out[i] = id;
        }
        return out;
    }

    /** Symbols are stored plus one in 6 bits each, so keys of different lengths never collide. */
    private static final int BITS = 6;

    private static long key(int[] symbols, int from, int to) {
        long key = 0;
        for (int i = from; i < to; i++) key = key << BITS | (symbols[i] + 1);
        return key;
    }

    private static long dropOldest(long key, int length) {
        return key & ((1L << (BITS * (length - 1))) - 1);
    }
}
