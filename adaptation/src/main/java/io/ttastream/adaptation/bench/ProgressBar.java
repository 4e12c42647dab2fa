package io.ttastream.adaptation.bench;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A progress line like {@code [#####.....] 123/300 ETA 1m02s}. On a terminal it redraws one line
 * with carriage returns (at most ten times a second); otherwise it prints a plain line at every
 * tenth of the way, so logs stay short.
 */
public final class ProgressBar {

    private static final int BAR_WIDTH = 30;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final int total;
    private final PrintStream out;
    private final boolean terminal;
    private final LongSupplier clock;
    private final long startNanos;
    private long lastDrawNanos;
    private int lastTenth = 0;

    /** A bar on stderr, redrawn in place when the JVM has a console. */
    public ProgressBar(int total) {
        this(total, System.err, System.console() != null, System::nanoTime);
    }

    /**
     * @param terminal whether {@code out} is a terminal (redraw in place) or a log (plain lines)
     * @param clock    nanoseconds, for the ETA
     */
    public ProgressBar(int total, PrintStream out, boolean terminal, LongSupplier clock) {
        if (total < 0) throw new IllegalArgumentException("negative total");
        this.total = total;
        this.out = out;
        this.terminal = terminal;
        this.clock = clock;
        this.startNanos = clock.getAsLong();
        this.lastDrawNanos = startNanos - REDRAW_NANOS; // the first update draws
    }

    /** Reports that {@code done} of the items are finished. */
    public void update(int done) {
        long now = clock.getAsLong();
        String line = render(done, total, now - startNanos);
        if (terminal) {
            if (done >= total || now - lastDrawNanos >= REDRAW_NANOS) {
                out.print('\r' + line + (done >= total ? "\n" : ""));
                out.flush();
                lastDrawNanos = now;
            }
        } else {
            int tenth = total == 0 ? 10 : (int) (10L * done / total);
            if (tenth > lastTenth) {
                out.println(line);
                lastTenth = tenth;
            }
        }
    }

    /**
     * The progress line after {@code done} of {@code total} items in {@code elapsedNanos}; the ETA
     * assumes the remaining items take as long each as the finished ones did on average.
     */
    public static String render(int done, int total, long elapsedNanos) {
        int filled = total == 0 ? BAR_WIDTH : (int) ((long) BAR_WIDTH * Math.min(done, total) / total);
        String eta = done == 0 ? "--" : duration(Math.round(elapsedNanos / 1e9 * Math.max(0, total - done) / done));
        return "[" + "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled) + "] " + done + "/" + total + " ETA " + eta;
    }

    /** 45s, 1m02s, 2h05m. */
    static String duration(long seconds) {
        if (seconds < 60) return seconds + "s";
        if (seconds < 3600) return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
        return String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, seconds % 3600 / 60);
    }
}
