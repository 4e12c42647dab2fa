package io.ttastream.adaptation.bench;

import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.function.DoubleUnaryOperator;

/**
 * Lays out the WER-over-time chart of a {@link Report} on a {@link Canvas}: one line per strategy
 * (moving-window WER against the utterance index), the stream's domain segments as shaded bands
 * labelled on top and keyed below, resets as dashed vertical lines in the strategy's colour and
 * slow updates as short ticks at the bottom of the plot. When a strategy reported drift statistics
 * (Dynamic SUTA's z per buffer check), a second panel below shares the x axis and draws them as
 * thin lines, a marker per check, with the detector's threshold, so that a missing or a spurious reset can be read off.
 */
final class WerPlot {

    static final int DEFAULT_WIDTH = 1200;
    static final int DEFAULT_HEIGHT = 520;
    /** Extra height of the drift panel, its gap to the WER panel included. */
    static final int DRIFT_PANEL_HEIGHT = 190;
    private static final int DRIFT_GAP = 30;
    /** The drift axis is cut at this |z|: a shifted domain can put z in the thousands. */
    private static final double DRIFT_CLIP = 20;

    private static final Color[] STRATEGY_COLORS = {
            new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e),
            new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf)};
    private static final Color[] DOMAIN_COLORS = {
            new Color(0xfde2c4), new Color(0xd4e6f7), new Color(0xd9f0d3), new Color(0xf2d7ee), new Color(0xfff5b8),
            new Color(0xe0e0e0), new Color(0xcdeeee), new Color(0xf7d4d4), new Color(0xe6dcf5), new Color(0xe8e2cf)};
    private static final Color AXIS = new Color(0x333333);
    private static final Color GRID = new Color(0, 0, 0, 40);

    private static final int LEFT = 60, RIGHT = 20, TOP = 50, BOTTOM = 75;

    private final Report report;
    private final int window;

    WerPlot(Report report, int window) {
        if (window < 1) throw new IllegalArgumentException("window must be at least 1");
        this.report = report;
        this.window = window;
    }

    /** A run of consecutive stream positions in one domain. */
    private record Band(String domain, int first, int last) {
    }

    /** The plot's height for a report: the default, plus the drift panel when there are drift statistics. */
    static int heightFor(Report report) {
        return DEFAULT_HEIGHT + (hasDrift(report) ? DRIFT_PANEL_HEIGHT : 0);
    }

    private static boolean hasDrift(Report report) {
        return report.events().stream().anyMatch(e -> e.kind().equals(Report.Event.DRIFT));
    }

    void draw(Canvas canvas, int width, int height) {
        double plotWidth = width - LEFT - RIGHT;
        double driftHeight = hasDrift(report) ? DRIFT_PANEL_HEIGHT : 0;
        // plotHeight is the WER panel's; everything below it (x axis, key) moves down by driftHeight.
        double plotHeight = height - TOP - BOTTOM - driftHeight;
        double bottom = TOP + plotHeight + driftHeight;
        List<Band> bands = bands();
        int lastIndex = report.results().stream().mapToInt(Report.UtteranceResult::index).max().orElse(0);
        double xSpan = Math.max(1, lastIndex + 1);
        double yMax = yMax();
        // Utterance i occupies [i, i + 1) on the x axis; its WER point sits in the middle.
        DoubleUnaryOperator x = i -> LEFT + plotWidth * i / xSpan;
        DoubleUnaryOperator y = wer -> TOP + plotHeight * (1 - Math.min(wer, yMax) / yMax);

        canvas.text(String.format(Locale.ROOT, "WER over the stream (moving window of %d utterances)", window),
                LEFT, 20, AXIS, 15, Canvas.Anchor.START);
        for (Band band : bands) {
            double left = x.applyAsDouble(band.first()), right = x.applyAsDouble(band.last() + 1);
            canvas.fillRect(left, TOP, right - left, bottom - TOP, domainColor(band.domain()));
            // Label the band when its name fits (about 6 px per character at size 11).
            if (right - left > 6.5 * band.domain().length() + 4) {
                canvas.text(band.domain(), (left + right) / 2, TOP - 6, AXIS, 11, Canvas.Anchor.MIDDLE);
            }
        }
        double yStep = niceStep(100 * yMax / 5) / 100;
        for (double wer = 0; wer <= yMax + 1e-9; wer += yStep) {
            double at = y.applyAsDouble(wer);
            canvas.line(LEFT, at, LEFT + plotWidth, at, GRID, 1, false);
            canvas.text(String.format(Locale.ROOT, "%.0f%%", 100 * wer), LEFT - 6, at + 4, AXIS, 11, Canvas.Anchor.END);
        }
        double step = niceStep(xSpan / 8);
        for (double i = 0; i <= xSpan; i += step) {
            double at = x.applyAsDouble(i);
            canvas.line(at, bottom, at, bottom + 4, AXIS, 1, false);
            canvas.text(String.format(Locale.ROOT, "%.0f", i), at, bottom + 16, AXIS, 11, Canvas.Anchor.MIDDLE);
        }
        canvas.text("utterance", LEFT + plotWidth / 2, bottom + 32, AXIS, 12, Canvas.Anchor.MIDDLE);

        List<String> strategies = report.strategies();
        for (Report.Event event : report.events()) {
            Color color = strategyColor(strategies.indexOf(event.strategy()));
            double at = x.applyAsDouble(event.index() + 0.5);
            if (event.kind().equals(Report.Event.RESET)) {
                canvas.line(at, TOP, at, bottom, color, 1.2f, true);
            } else if (event.kind().equals(Report.Event.SLOW_UPDATE)) {
                canvas.line(at, TOP + plotHeight - 8, at, TOP + plotHeight, color, 1.5f, false);
            }
        }
        for (int s = 0; s < strategies.size(); s++) {
            String strategy = strategies.get(s);
            List<Report.UtteranceResult> own = report.ownResults(strategy);
            double[] wer = report.movingWer(strategy, window);
            double[] xs = new double[wer.length], ys = new double[wer.length];
            for (int i = 0; i < wer.length; i++) {
                xs[i] = x.applyAsDouble(own.get(i).index() + 0.5);
                ys[i] = y.applyAsDouble(wer[i]);
            }
            canvas.polyline(xs, ys, strategyColor(s), 1.8f, strategy);
        }
        canvas.line(LEFT, TOP, LEFT, TOP + plotHeight, AXIS, 1, false);
        canvas.line(LEFT, TOP + plotHeight, LEFT + plotWidth, TOP + plotHeight, AXIS, 1, false);
        if (driftHeight > 0) {
            drawDrift(canvas, x, TOP + plotHeight + DRIFT_GAP, driftHeight - DRIFT_GAP, plotWidth);
        }

        // Strategy legend on the title line, domain key along the bottom.
        double legendX = LEFT + plotWidth;
        for (int s = strategies.size() - 1; s >= 0; s--) {
            String label = String.format(Locale.ROOT, "%s %.1f%%", strategies.get(s), 100 * report.overall(strategies.get(s)).wer());
            canvas.text(label, legendX, 20, AXIS, 12, Canvas.Anchor.END);
            legendX -= 7 * label.length() + 4;
            canvas.line(legendX - 18, 16, legendX - 2, 16, strategyColor(s), 3, false);
            legendX -= 40;
        }
        canvas.text("dashed: reset   tick: slow update", LEFT + plotWidth, height - 10, AXIS, 11, Canvas.Anchor.END);
        double keyX = LEFT;
        for (String domain : report.domains()) {
            canvas.fillRect(keyX, height - 21, 12, 12, domainColor(domain));
            canvas.text(domain, keyX + 16, height - 11, AXIS, 11, Canvas.Anchor.START);
            keyX += 16 + 6.5 * domain.length() + 14;
        }
    }

    /** The drift panel: each strategy's z per buffer check against the threshold, in a band at {@code top}. */
    private void drawDrift(Canvas canvas, DoubleUnaryOperator x, double top, double panelHeight, double plotWidth) {
        List<String> strategies = report.strategies();
        double threshold = report.driftThreshold();
        double low = Math.min(-2, Math.max(-DRIFT_CLIP, minDrift())), high = Math.max(4, Math.min(DRIFT_CLIP, maxDrift()));
        if (!Double.isNaN(threshold)) high = Math.max(high, threshold + 1);
        double yStep = niceStep((high - low) / 4);
        double yLow = Math.floor(low / yStep) * yStep, yHigh = Math.ceil(high / yStep) * yStep;
        DoubleUnaryOperator y = z -> top + panelHeight * (yHigh - Math.max(yLow, Math.min(yHigh, z))) / (yHigh - yLow);

        canvas.fillRect(LEFT, top, plotWidth, panelHeight, new Color(255, 255, 255, 150));
        for (double z = yLow; z <= yHigh + 1e-9; z += yStep) {
            double at = y.applyAsDouble(z);
            canvas.line(LEFT, at, LEFT + plotWidth, at, GRID, 1, false);
            canvas.text(String.format(Locale.ROOT, "%.0f", z), LEFT - 6, at + 4, AXIS, 11, Canvas.Anchor.END);
        }
        String title = "drift z per buffer check (clipped at " + (int) DRIFT_CLIP + ")";
        if (!Double.isNaN(threshold)) {
            double at = y.applyAsDouble(threshold);
            canvas.line(LEFT, at, LEFT + plotWidth, at, AXIS, 1.2f, false);
            title += String.format(Locale.ROOT, ";  black line: shift threshold z = %.3g", threshold);
        }
        canvas.text(title, LEFT + 4, top - 6, AXIS, 11, Canvas.Anchor.START);
        for (int s = 0; s < strategies.size(); s++) {
            List<Report.Event> drift = report.events(strategies.get(s), Report.Event.DRIFT);
            if (drift.isEmpty()) continue;
            double[] xs = new double[drift.size()], ys = new double[drift.size()];
            for (int i = 0; i < drift.size(); i++) {
                xs[i] = x.applyAsDouble(drift.get(i).index() + 0.5);
                ys[i] = y.applyAsDouble(drift.get(i).value());
                canvas.fillRect(xs[i] - 2, ys[i] - 2, 4, 4, strategyColor(s));
            }
            canvas.polyline(xs, ys, strategyColor(s), 1, strategies.get(s) + " drift z");
        }
        canvas.line(LEFT, top, LEFT, top + panelHeight, AXIS, 1, false);
        canvas.line(LEFT, top + panelHeight, LEFT + plotWidth, top + panelHeight, AXIS, 1, false);
    }

    private double minDrift() {
        return report.events().stream().filter(e -> e.kind().equals(Report.Event.DRIFT))
                .mapToDouble(Report.Event::value).min().orElse(0);
    }

    private double maxDrift() {
        return report.events().stream().filter(e -> e.kind().equals(Report.Event.DRIFT))
                .mapToDouble(Report.Event::value).max().orElse(0);
    }

    /** The domain runs of the stream, from the results of all strategies merged by index. */
    private List<Band> bands() {
        TreeMap<Integer, String> domainAt = new TreeMap<>();
        report.results().forEach(r -> domainAt.putIfAbsent(r.index(), r.domain()));
        List<Band> bands = new ArrayList<>();
        for (var entry : domainAt.entrySet()) {
            Band last = bands.isEmpty() ? null : bands.get(bands.size() - 1);
            if (last != null && last.domain().equals(entry.getValue())) {
                bands.set(bands.size() - 1, new Band(last.domain(), last.first(), entry.getKey()));
            } else {
                bands.add(new Band(entry.getValue(), entry.getKey(), entry.getKey()));
            }
        }
        return bands;
    }

    /** The y axis top: the highest moving WER rounded up to a tick (a nice fifth of it), at least 10%. */
    private double yMax() {
        double highest = 0.1;
        for (String strategy : report.strategies()) {
            for (double wer : report.movingWer(strategy, window)) highest = Math.max(highest, wer);
        }
        double step = niceStep(100 * highest / 5);
        return Math.ceil(100 * highest / step - 1e-9) * step / 100;
    }

    /** The smallest of 1, 2, 5 times a power of ten that is at least {@code rough}. */
    private static double niceStep(double rough) {
        double power = Math.pow(10, Math.floor(Math.log10(Math.max(rough, 1))));
        for (double multiple : new double[]{1, 2, 5}) {
            if (multiple * power >= rough) return multiple * power;
        }
        return 10 * power;
    }

    private Color domainColor(String domain) {
        return DOMAIN_COLORS[report.domains().indexOf(domain) % DOMAIN_COLORS.length];
    }

    private static Color strategyColor(int index) {
        return STRATEGY_COLORS[Math.floorMod(index, STRATEGY_COLORS.length)];
    }
}
