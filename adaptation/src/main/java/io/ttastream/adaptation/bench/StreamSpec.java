package io.ttastream.adaptation.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * What stream of utterances to benchmark on: which manifests, which domains, in what layout.
 *
 * <p>Grammar: {@code LAYOUT:KEY=VALUE,KEY=VALUE,...}, with LAYOUT one of
 * <ul>
 *   <li>{@code md-long}: Dynamic SUTA's MD-Long. Segments of a length drawn uniformly from
 *       [{@code min}, {@code max}] utterances, each in one domain; the first domain is uniform
 *       over the list, each next one uniform over the others (never the previous domain); the
 *       last segment is cut to make {@code length} utterances in total.
 *       Keys: {@code length} (default 10000), {@code min} (20), {@code max} (500).
 *   <li>{@code blocks}: the paper's MD-Easy/-Hard "-100"/"-20" variants. Segments of exactly
 *       {@code block} utterances (default 100) going through the domains in the given order,
 *       the whole cycle {@code repeat} times (default 1).
 * </ul>
 * Keys of both layouts:
 * <ul>
 *   <li>{@code manifest} (required): one or more manifest TSVs joined by '+', pooled;
 *   <li>{@code domains} (required): domain names joined by '+', see {@link Domains} (a '+'
 *       followed by a digit belongs to the name: {@code pitch+2+clean} is two domains);
 *   <li>{@code data}: the shared data folder holding {@code noise/}; when absent it is the first
 *       folder above the first manifest that has a {@code noise/} folder, else {@code ../shared/data};
 *   <li>{@code seed} (default 1): every random choice (segments, utterances, noise offsets)
 *       follows from it, so a spec string names one stream.
 * </ul>
 * Relative paths are relative to the working directory. Example:
 * {@code md-long:manifest=../shared/data/speech/ljspeech.tsv,domains=AC+BA+GS+reverb+telephone,length=300,min=5,max=40,seed=1}.
 */
public sealed interface StreamSpec {

    /** The manifests whose utterances are pooled. */
    List<Path> manifests();

    /** The domain names, see {@link Domains}. */
    List<String> domains();

    /** The {@code data=} folder, or null to find it from the manifests. */
    Path dataRoot();

    /** The seed every random choice of the stream follows from. */
    long seed();

    /** The segments, in stream order; the same spec always gives the same list. */
    List<Segment> segments();

    /** A run of consecutive utterances in one domain. */
    record Segment(String domain, int length) {
    }

    /** Dynamic SUTA's MD-Long layout; see the interface's Javadoc. */
    record MdLong(List<Path> manifests, List<String> domains, Path dataRoot, long seed,
                  int length, int minSegment, int maxSegment) implements StreamSpec {
        public MdLong {
            manifests = List.copyOf(manifests);
            domains = List.copyOf(domains);
            require(domains.size() >= 2, "md-long needs at least two domains, as the next domain must differ");
            require(length > 0, "length must be positive");
            require(minSegment > 0 && minSegment <= maxSegment, "need 0 < min <= max");
        }

        @Override
        public List<Segment> segments() {
            SplittableRandom random = new SplittableRandom(seed);
            List<Segment> segments = new ArrayList<>();
            int previous = -1;
            for (int placed = 0; placed < length; ) {
                // Uniform over the domains other than the previous one: draw among n-1 and skip it.
                int domain = random.nextInt(previous < 0 ? domains.size() : domains.size() - 1);
                if (previous >= 0 && domain >= previous) domain++;
                int segmentLength = Math.min(random.nextInt(minSegment, maxSegment + 1), length - placed);
                segments.add(new Segment(domains.get(domain), segmentLength));
                placed += segmentLength;
                previous = domain;
            }
            return segments;
        }
    }

    /** Fixed-size blocks cycling through the domains; see the interface's Javadoc. */
    record Blocks(List<Path> manifests, List<String> domains, Path dataRoot, long seed,
                  int block, int repeat) implements StreamSpec {
        public Blocks {
            manifests = List.copyOf(manifests);
            domains = List.copyOf(domains);
            require(!domains.isEmpty(), "blocks needs at least one domain");
            require(block > 0 && repeat > 0, "block and repeat must be positive");
        }

        @Override
        public List<Segment> segments() {
            List<Segment> segments = new ArrayList<>();
            for (int r = 0; r < repeat; r++) {
                for (String domain : domains) segments.add(new Segment(domain, block));
            }
            return segments;
        }
    }

    /** Parses a spec string; throws IllegalArgumentException naming what is wrong. */
    static StreamSpec parse(String spec) {
        int colon = spec.indexOf(':');
        require(colon > 0, "stream spec must look like LAYOUT:key=value,...; got " + spec);
        String layout = spec.substring(0, colon).trim();
        Set<String> allowed = switch (layout) {
            case "md-long" -> Set.of("manifest", "domains", "data", "seed", "length", "min", "max");
            case "blocks" -> Set.of("manifest", "domains", "data", "seed", "block", "repeat");
            default -> throw new IllegalArgumentException("unknown stream layout '" + layout + "' (md-long or blocks)");
        };
        Map<String, String> values = new HashMap<>();
        for (String pair : spec.substring(colon + 1).split(",")) {
            if (pair.isBlank()) continue;
            int equals = pair.indexOf('=');
            require(equals > 0, "expected key=value in stream spec, got '" + pair + "'");
            String key = pair.substring(0, equals).trim();
            require(allowed.contains(key), "unknown key '" + key + "' for layout " + layout + "; known: " + allowed);
            require(values.put(key, pair.substring(equals + 1).trim()) == null, "key '" + key + "' given twice");
        }
        require(values.containsKey("manifest"), "stream spec needs manifest=...");
        require(values.containsKey("domains"), "stream spec needs domains=...");
        List<Path> manifests = Arrays.stream(values.get("manifest").split("\\+")).map(Path::of).toList();
        // A '+' before a digit is a sign (pitch+2, gain+6), not a separator.
        List<String> domains = Arrays.asList(values.get("domains").split("\\+(?![0-9])"));
        Path data = values.containsKey("data") ? Path.of(values.get("data")) : null;
        long seed = Long.parseLong(values.getOrDefault("seed", "1"));
        if (layout.equals("md-long")) {
            return new MdLong(manifests, domains, data, seed, integer(values, "length", 10_000),
                    integer(values, "min", 20), integer(values, "max", 500));
        }
        return new Blocks(manifests, domains, data, seed, integer(values, "block", 100), integer(values, "repeat", 1));
    }

    private static int integer(Map<String, String> values, String key, int fallback) {
        String value = values.get(key);
        try {
            return value == null ? fallback : Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer, got '" + value + "'");
        }
    }

    private static void require(boolean condition, String message) {
        if (!condition) throw new IllegalArgumentException(message);
    }
}
