package io.ttastream.adaptation.bench;

import io.ttastream.adaptation.data.Manifest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Lays utterances into the segments of a {@link StreamSpec}.
 *
 * <p>Utterances come from a shuffled deck of the pooled manifests, dealt in order across the whole
 * stream so every utterance is used about equally often. When the deck runs out it is reshuffled,
 * and the utterances already used in the current segment go to the bottom: no utterance repeats
 * inside a segment unless the segment is longer than the pool (then each pass over the pool is
 * free of repeats). Domains with several variants ({@code reverb}) hand them out in turn.
 */
public final class StreamBuilder {

    private StreamBuilder() {
    }

    /** Reads the spec's manifests, resolves its domains against the data folder and builds the stream. */
    public static List<StreamItem> build(StreamSpec spec) throws IOException {
        List<Manifest.Entry> pool = new ArrayList<>();
        for (Path manifest : spec.manifests()) pool.addAll(Manifest.read(manifest).requireAudio().entries());
        return build(spec, pool, new Domains(dataRoot(spec)));
    }

    /** Builds the stream of {@code spec} from an explicit pool of utterances and domain resolver. */
    public static List<StreamItem> build(StreamSpec spec, List<Manifest.Entry> pool, Domains domains) {
        if (pool.isEmpty()) throw new IllegalArgumentException("no utterances in " + spec.manifests());
        Map<String, Domains.Domain> resolved = new HashMap<>();
        for (String name : spec.domains()) resolved.computeIfAbsent(name, domains::resolve);

        // The segment plan draws from SplittableRandom(seed) itself; keep the deck's and the
        // corruption seeds' randomness apart from it.
        SplittableRandom random = new SplittableRandom(spec.seed()).split();
        Deck deck = new Deck(pool.size(), random.split());
        Map<String, Integer> occurrences = new HashMap<>();
        List<StreamItem> items = new ArrayList<>();
        for (StreamSpec.Segment segment : spec.segments()) {
            Domains.Domain domain = resolved.get(segment.domain());
            Set<Integer> usedInSegment = new HashSet<>();
            for (int i = 0; i < segment.length(); i++) {
                if (usedInSegment.size() == pool.size()) usedInSegment.clear(); // a segment longer than the pool
                int utterance = deck.draw(usedInSegment);
                usedInSegment.add(utterance);
                int occurrence = occurrences.merge(domain.name(), 1, Integer::sum) - 1;
                items.add(new StreamItem(items.size(), pool.get(utterance), domain.name(),
                        domain.variant(occurrence), random.nextLong()));
            }
        }
        return items;
    }

    /**
     * The spec's {@code data=} folder, else the first folder above the first manifest that holds a
     * {@code noise/} folder, else {@code ../shared/data}.
     */
    public static Path dataRoot(StreamSpec spec) {
        if (spec.dataRoot() != null) return spec.dataRoot();
        for (Path folder = spec.manifests().get(0).toAbsolutePath().getParent(); folder != null; folder = folder.getParent()) {
            if (Files.isDirectory(folder.resolve("noise"))) return folder;
        }
        return Path.of("..", "shared", "data");
    }

    /** A shuffled deck of pool indices, reshuffled when empty. */
    private static final class Deck {
        private final int size;
        private final SplittableRandom random;
        private final List<Integer> cards = new ArrayList<>();
        private int next;

        Deck(int size, SplittableRandom random) {
            this.size = size;
            this.random = random;
        }

        /** The next card; after a reshuffle, the cards in {@code avoid} are put at the bottom. */
        int draw(Set<Integer> avoid) {
            if (next == cards.size()) {
                List<Integer> shuffled = new ArrayList<>();
                for (int i = 0; i < size; i++) shuffled.add(i);
                // Fisher-Yates with our own random, so the order depends on the seed alone.
                for (int i = size - 1; i > 0; i--) {
                    int j = random.nextInt(i + 1);
                    Integer t = shuffled.get(i);
                    shuffled.set(i, shuffled.get(j));
                    shuffled.set(j, t);
                }
                cards.clear();
                shuffled.stream().filter(c -> !avoid.contains(c)).forEach(cards::add);
                shuffled.stream().filter(avoid::contains).forEach(cards::add);
                next = 0;
            }
            return cards.get(next++);
        }
    }
}
