package io.ttastream.adaptation.bench;

import io.ttastream.adaptation.metrics.ErrorRate;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The outcome of a benchmark: WER per strategy per domain, overall CER, real-time factors, and WER over time.
 *
 * <p>WER is corpus WER (all word edits over all reference words, as {@link ErrorRate} sums them),
 * the Dynamic SUTA metric; CER likewise over characters, which still tells strategies apart when a weak
 * model's WER is near 100%. The real-time factor is compute seconds over audio seconds. Strategies
 * and domains are listed in the order they first appear in the results.
 */
public final class Report {

    /**
     * One strategy's result on one utterance of the stream.
     *
     * @param index          the utterance's position in the stream
     * @param words          word edits against the reference, with its word count
     * @param chars          character edits against the reference, with its character count
     * @param computeSeconds time the strategy spent on it (adaptation and decoding)
     * @param audioSeconds   the utterance's duration
     */
    public record UtteranceResult(int index, String strategy, String domain, ErrorRate.Edits words,
                                  ErrorRate.Edits chars, double computeSeconds, double audioSeconds) {
    }

    /**
     * Something a strategy did at an utterance: {@code kind} is {@link #RESET}, {@link #SLOW_UPDATE}
     * or {@link #DRIFT} (a shift detector's check, {@code value} its z statistic); {@code reason} says
     * why; {@code value} is the event's number (NaN when it has none).
     */
    public record Event(int index, String strategy, String kind, String reason, double value) {
        public static final String RESET = "reset";
        public static final String SLOW_UPDATE = "slow-update";
        public static final String DRIFT = "drift";
    }

    /** Totals over a set of utterances. */
    public record Totals(ErrorRate.Edits words, ErrorRate.Edits chars, int utterances, double computeSeconds,
                         double audioSeconds) {
        static final Totals NONE = new Totals(ErrorRate.Edits.NONE, ErrorRate.Edits.NONE, 0, 0, 0);

        Totals plus(UtteranceResult r) {
            return plus(new Totals(r.words(), r.chars(), 1, r.computeSeconds(), r.audioSeconds()));
        }

        Totals plus(Totals other) {
            return new Totals(words.plus(other.words), chars.plus(other.chars), utterances + other.utterances,
                    computeSeconds + other.computeSeconds, audioSeconds + other.audioSeconds);
        }

        /** Corpus WER: word edits over reference words. */
        public double wer() {
            return words.rate();
        }

        /** Corpus CER: character edits over reference characters. */
        public double cer() {
            return chars.rate();
        }

        /** Compute seconds per audio second; NaN with no audio. */
        public double realTimeFactor() {
            return audioSeconds > 0 ? computeSeconds / audioSeconds : Double.NaN;
        }
    }

    /** The default moving window of the WER-over-time plot, in utterances. */
    public static final int DEFAULT_WINDOW = 20;

    private final List<UtteranceResult> results;
    private final List<Event> events;
    private final double driftThreshold;
    private final List<String> strategies;
    private final List<String> domains;
    private final Map<String, Map<String, Totals>> byDomain = new LinkedHashMap<>();
    private final Map<String, Totals> overall = new LinkedHashMap<>();

    /** A report over every strategy's per-utterance results and the events they logged. */
    public Report(List<UtteranceResult> results, List<Event> events) {
        this(results, events, Double.NaN);
    }

    /**
     * The same, with the z above which a shift detector counts a buffer as shifted, drawn as a line
     * on the plot's drift panel (NaN: none drawn).
     */
    public Report(List<UtteranceResult> results, List<Event> events, double driftThreshold) {
        this.results = List.copyOf(results);
        this.events = List.copyOf(events);
        this.driftThreshold = driftThreshold;
        LinkedHashSet<String> strategyOrder = new LinkedHashSet<>();
        LinkedHashSet<String> domainOrder = new LinkedHashSet<>();
        this.results.stream().sorted(Comparator.comparingInt(UtteranceResult::index)).forEach(r -> {
            strategyOrder.add(r.strategy());
            domainOrder.add(r.domain());
        });
        strategies = List.copyOf(strategyOrder);
        domains = List.copyOf(domainOrder);
        for (UtteranceResult r : this.results) {
            byDomain.computeIfAbsent(r.strategy(), s -> new LinkedHashMap<>()).merge(r.domain(), Totals.NONE.plus(r), Totals::plus);
            overall.merge(r.strategy(), Totals.NONE.plus(r), Totals::plus);
        }
    }

    /** Strategy names in order of first appearance in the stream. */
    public List<String> strategies() {
        return strategies;
    }

    /** Domain names in order of first appearance in the stream. */
    public List<String> domains() {
        return domains;
    }

    /** The results as given. */
    public List<UtteranceResult> results() {
        return results;
    }

    /** The events as given. */
    public List<Event> events() {
        return events;
    }

    /** The shift detector's z threshold, NaN when the report was not given one. */
    public double driftThreshold() {
        return driftThreshold;
    }

    /** A strategy's events of one kind, in stream order. */
    public List<Event> events(String strategy, String kind) {
        return events.stream().filter(e -> e.strategy().equals(strategy) && e.kind().equals(kind))
                .sorted(Comparator.comparingInt(Event::index)).toList();
    }

    /** A strategy's totals in one domain (all zero when it has no utterance there). */
    public Totals totals(String strategy, String domain) {
        return byDomain.getOrDefault(strategy, Map.of()).getOrDefault(domain, Totals.NONE);
    }

    /** A strategy's totals over the whole stream. */
    public Totals overall(String strategy) {
        return overall.getOrDefault(strategy, Totals.NONE);
    }

    /** How many events of {@code kind} a strategy had. */
    public long eventCount(String strategy, String kind) {
        return events(strategy, kind).size();
    }

    /**
     * The WER of the last {@code window} utterances (fewer at the start) after each of a strategy's
     * utterances, in stream order: element i pairs with the i-th result by index.
     */
    public double[] movingWer(String strategy, int window) {
        List<UtteranceResult> own = ownResults(strategy);
        double[] wer = new double[own.size()];
        long edits = 0, words = 0;
        for (int i = 0; i < own.size(); i++) {
            edits += own.get(i).words().total();
            words += own.get(i).words().referenceLength();
            if (i >= window) {
                edits -= own.get(i - window).words().total();
                words -= own.get(i - window).words().referenceLength();
            }
            wer[i] = new ErrorRate.Edits(0, 0, edits, words).rate(); // rate() handles an empty window
        }
        return wer;
    }

    /** A strategy's results sorted by stream index. */
    List<UtteranceResult> ownResults(String strategy) {
        return results.stream().filter(r -> r.strategy().equals(strategy))
                .sorted(Comparator.comparingInt(UtteranceResult::index)).toList();
    }

    /** WER % per strategy (rows) and domain (columns), overall WER and CER, real-time factor, resets. */
    public String markdown() {
        StringBuilder out = new StringBuilder("| strategy |");
        domains.forEach(d -> out.append(' ').append(d).append(" |"));
        out.append(" overall | CER | RTF | resets |\n|---|");
        out.append("---:|".repeat(domains.size() + 4)).append('\n');
        for (String strategy : strategies) {
            out.append("| ").append(strategy).append(" |");
            for (String domain : domains) out.append(' ').append(percent(totals(strategy, domain))).append(" |");
            Totals all = overall(strategy);
            out.append(' ').append(percent(all)).append(" | ").append(cerPercent(all)).append(" | ")
                    .append(String.format(Locale.ROOT, "%.3f", all.realTimeFactor())).append(" | ")
                    .append(eventCount(strategy, Event.RESET)).append(" |\n");
        }
        return out.toString();
    }

    private static String percent(Totals totals) {
        return totals.utterances() == 0 ? "-" : String.format(Locale.ROOT, "%.1f", 100 * totals.wer());
    }

    private static String cerPercent(Totals totals) {
        return totals.utterances() == 0 ? "-" : String.format(Locale.ROOT, "%.1f", 100 * totals.cer());
    }

    /**
     * One row per strategy and domain, then one per strategy with domain {@code ALL}: counts,
     * edits, WER (a fraction), reference characters, character edits and CER, compute and audio seconds and
     * their ratio.
     */
    public String csv() {
        StringBuilder out = new StringBuilder(
                "strategy,domain,utterances,reference_words,substitutions,deletions,insertions,wer,reference_chars,char_edits,cer,"
                        + "compute_s,audio_s,rtf\n");
        for (String strategy : strategies) {
            for (String domain : domains) {
                if (totals(strategy, domain).utterances() > 0) csvRow(out, strategy, domain, totals(strategy, domain));
            }
        }
        for (String strategy : strategies) csvRow(out, strategy, "ALL", overall(strategy));
        return out.toString();
    }

    /** Every event, one row each in stream order: index, strategy, kind, reason and value (empty when it has none). */
    public String eventsCsv() {
        StringBuilder out = new StringBuilder("index,strategy,kind,reason,value\n");
        events.stream().sorted(Comparator.comparingInt(Event::index)).forEach(e -> out.append(e.index()).append(',')
                .append(csvField(e.strategy())).append(',').append(csvField(e.kind())).append(',')
                .append(csvField(e.reason())).append(',')
                .append(Double.isNaN(e.value()) ? "" : String.format(Locale.ROOT, "%.6g", e.value())).append('\n'));
        return out.toString();
    }

    private static void csvRow(StringBuilder out, String strategy, String domain, Totals t) {
        ErrorRate.Edits w = t.words();
        out.append(String.format(Locale.ROOT, "%s,%s,%d,%d,%d,%d,%d,%.6f,%d,%d,%.6f,%.3f,%.3f,%.6f%n", csvField(strategy),
                csvField(domain), t.utterances(), w.referenceLength(), w.substitutions(), w.deletions(), w.insertions(),
                t.wer(), t.chars().referenceLength(), t.chars().total(), t.cer(), t.computeSeconds(), t.audioSeconds(), t.realTimeFactor()));
    }

    private static String csvField(String value) {
        return value.contains(",") || value.contains("\"") ? '"' + value.replace("\"", "\"\"") + '"' : value;
    }

    /** Writes the WER-over-time plot as a PNG. */
    public void writePng(Path file, int width, int height, int window) throws IOException {
        Canvas.Raster canvas = new Canvas.Raster(width, height);
        new WerPlot(this, window).draw(canvas, width, height);
        if (!ImageIO.write(canvas.image(), "png", file.toFile())) throw new IOException("no PNG writer");
    }

    /** A self-contained HTML page: the WER-over-time plot as inline SVG and the WER table. */
    public String html(int width, int height, int window) {
        Canvas.Svg svg = new Canvas.Svg(width, height);
        new WerPlot(this, window).draw(svg, width, height);
        StringBuilder table = new StringBuilder("<table>\n<tr><th>strategy</th>");
        domains.forEach(d -> table.append("<th>").append(Canvas.Svg.escape(d)).append("</th>"));
        table.append("<th>overall</th><th>CER</th><th>RTF</th><th>resets</th></tr>\n");
        for (String strategy : strategies) {
            table.append("<tr><td>").append(Canvas.Svg.escape(strategy)).append("</td>");
            for (String domain : domains) table.append("<td>").append(percent(totals(strategy, domain))).append("</td>");
            table.append("<td>").append(percent(overall(strategy))).append("</td><td>")
                    .append(cerPercent(overall(strategy))).append("</td><td>")
                    .append(String.format(Locale.ROOT, "%.3f", overall(strategy).realTimeFactor())).append("</td><td>")
                    .append(eventCount(strategy, Event.RESET)).append("</td></tr>\n");
        }
        table.append("</table>\n");
        return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>tta bench: WER over time</title>\n"
                + "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
                + "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}</style></head>\n<body>\n"
                + "<h1>WER over time</h1>\n" + svg.finish() + "<h2>WER % per domain</h2>\n" + table + "</body></html>\n";
    }

    /**
     * Writes {@code report.md}, {@code report.csv}, {@code events.csv}, {@code wer-over-time.png} and
     * {@code wer-over-time.html} into {@code folder} (created if needed) and returns their paths. The
     * plot is taller by a drift panel when some strategy reported drift statistics.
     */
    public List<Path> writeAll(Path folder, int window) throws IOException {
        Files.createDirectories(folder);
        int height = WerPlot.heightFor(this);
        List<Path> written = new ArrayList<>();
        written.add(Files.writeString(folder.resolve("report.md"), markdown(), StandardCharsets.UTF_8));
        written.add(Files.writeString(folder.resolve("report.csv"), csv(), StandardCharsets.UTF_8));
        written.add(Files.writeString(folder.resolve("events.csv"), eventsCsv(), StandardCharsets.UTF_8));
        Path png = folder.resolve("wer-over-time.png");
        writePng(png, WerPlot.DEFAULT_WIDTH, height, window);
        written.add(png);
        written.add(Files.writeString(folder.resolve("wer-over-time.html"),
                html(WerPlot.DEFAULT_WIDTH, height, window), StandardCharsets.UTF_8));
        return written;
    }
}
