package io.ttastream.adaptation.bench;

import io.ttastream.adaptation.metrics.ErrorRate.Edits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportTest {

    /** A result whose character edits are its word edits over five characters a word (so CER = WER / 5). */
    static Report.UtteranceResult result(int index, String strategy, String domain, Edits words, double compute, double audio) {
        Edits chars = new Edits(words.substitutions(), words.deletions(), words.insertions(), 5 * words.referenceLength());
        return new Report.UtteranceResult(index, strategy, domain, words, chars, compute, audio);
    }

    /**
     * Two strategies over four utterances (AC, AC, BA, BA), listed out of order:
     * source: AC 3/20 edits, BA 2/10, overall 5/30, 4 s compute over 12 s audio;
     * suta:   AC 1/20,       BA 3/10, overall 4/30, 16 s over 12 s; one reset, one slow update.
     */
    static Report handMade() {
        return new Report(List.of(
                result(2, "source", "BA", new Edits(2, 0, 0, 5), 1, 4),
                result(0, "source", "AC", new Edits(1, 0, 0, 10), 1, 2),
                result(0, "suta", "AC", new Edits(0, 0, 0, 10), 4, 2),
                result(1, "source", "AC", new Edits(0, 1, 1, 10), 1, 2),
                result(3, "source", "BA", new Edits(0, 0, 0, 5), 1, 4),
                result(1, "suta", "AC", new Edits(1, 0, 0, 10), 4, 2),
                result(2, "suta", "BA", new Edits(1, 1, 0, 5), 4, 4),
                result(3, "suta", "BA", new Edits(0, 0, 1, 5), 4, 4)),
                List.of(new Report.Event(2, "suta", Report.Event.RESET, "shift detected", 3.5),
                        new Report.Event(3, "suta", Report.Event.SLOW_UPDATE, "every 2", 1)));
    }

    @Test
    void sumsEditsPerStrategyAndDomain() {
        Report report = handMade();
        assertEquals(List.of("source", "suta"), report.strategies());
        assertEquals(List.of("AC", "BA"), report.domains());
        assertEquals(0.15, report.totals("source", "AC").wer(), 1e-12);
        assertEquals(0.20, report.totals("source", "BA").wer(), 1e-12);
        assertEquals(5 / 30.0, report.overall("source").wer(), 1e-12);
        assertEquals(4 / 12.0, report.overall("source").realTimeFactor(), 1e-12);
        assertEquals(0.05, report.totals("suta", "AC").wer(), 1e-12);
        assertEquals(0.30, report.totals("suta", "BA").wer(), 1e-12);
        assertEquals(4 / 30.0, report.overall("suta").wer(), 1e-12);
        assertEquals(16 / 12.0, report.overall("suta").realTimeFactor(), 1e-12);
        assertEquals(2, report.totals("suta", "BA").utterances());
        assertEquals(1, report.eventCount("suta", Report.Event.RESET));
        assertEquals(0, report.eventCount("source", Report.Event.RESET));
        assertEquals(0, report.totals("nobody", "AC").utterances());
    }

    @Test
    void movingWerPoolsTheLastWindowOfUtterances() {
        // source with a window of 2: 1/10, (1+2)/20, (2+2)/15, (2+0)/10.
        assertArrayEquals(new double[]{0.1, 0.15, 4 / 15.0, 0.2}, handMade().movingWer("source", 2), 1e-12);
        // A window as long as the stream is the running corpus WER.
        assertArrayEquals(new double[]{0, 0.05, 3 / 25.0, 4 / 30.0}, handMade().movingWer("suta", 100), 1e-12);
    }

    @Test
    void markdownAndCsvCarryTheNumbers() {
        Report report = handMade();
        assertEquals("""
                | strategy | AC | BA | overall | CER | RTF | resets |
                |---|---:|---:|---:|---:|---:|---:|
                | source | 15.0 | 20.0 | 16.7 | 3.3 | 0.333 | 0 |
                | suta | 5.0 | 30.0 | 13.3 | 2.7 | 1.333 | 1 |
                """, report.markdown());
        List<String> csv = report.csv().lines().toList();
        assertEquals("strategy,domain,utterances,reference_words,substitutions,deletions,insertions,wer,reference_chars,"
                + "char_edits,cer,compute_s,audio_s,rtf", csv.get(0));
        assertEquals(7, csv.size());
        assertTrue(csv.contains("suta,BA,2,10,1,1,1,0.300000,50,3,0.060000,8.000,8.000,1.000000"), csv.toString());
        assertTrue(csv.contains("source,ALL,4,30,3,1,1,0.166667,150,5,0.033333,4.000,12.000,0.333333"), csv.toString());
    }

    @Test
    void writesAPngAndASelfContainedHtmlPlot(@TempDir Path folder) throws IOException {
        Report report = handMade();
        List<Path> written = report.writeAll(folder, 2);
        assertEquals(5, written.size());
        for (Path file : written) assertTrue(Files.size(file) > 100, file + " is nearly empty");

        BufferedImage png = ImageIO.read(folder.resolve("wer-over-time.png").toFile());
        assertEquals(WerPlot.DEFAULT_WIDTH, png.getWidth());
        assertEquals(WerPlot.DEFAULT_HEIGHT, png.getHeight());
        Set<Integer> colors = new HashSet<>();
        for (int y = 0; y < png.getHeight(); y++) {
            for (int x = 0; x < png.getWidth(); x++) colors.add(png.getRGB(x, y) & 0xffffff);
        }
        assertTrue(colors.size() > 2, "a plot, not a blank image");
        assertTrue(colors.contains(0x1f77b4) && colors.contains(0xd62728), "both strategies' line colours are drawn");

        String html = Files.readString(folder.resolve("wer-over-time.html"));
        assertTrue(html.contains("<svg"));
        assertEquals(2, count(html, "<polyline"), "one line per strategy");
        assertEquals(1, count(html, "stroke-dasharray"), "one reset line");
        assertTrue(html.contains("<title>suta</title>"));
        assertFalse(html.contains("<script") || html.contains("src=") || html.contains("href="), "self-contained");
    }

    @Test
    void eventsCsvListsEveryEventInStreamOrderWithItsValue() {
        Report report = new Report(handMade().results(), List.of(
                new Report.Event(3, "suta", Report.Event.SLOW_UPDATE, "buffer of 2", 1),
                new Report.Event(1, "suta", Report.Event.DRIFT, "buffer check", -0.25),
                new Report.Event(2, "suta", Report.Event.RESET, "collapse, 8 of 10 empty", Double.NaN)));
        assertEquals("""
                index,strategy,kind,reason,value
                1,suta,drift,buffer check,-0.250000
                2,suta,reset,"collapse, 8 of 10 empty",
                3,suta,slow-update,buffer of 2,1.00000
                """, report.eventsCsv());
        assertEquals(1, report.eventCount("suta", Report.Event.DRIFT));
        assertEquals(1, report.eventCount("suta", Report.Event.SLOW_UPDATE), "a drift check is not a slow update");
    }

    @Test
    void driftStatisticsGetTheirOwnPanelWithTheThreshold(@TempDir Path folder) throws IOException {
        Report plain = handMade();
        List<Report.Event> events = new java.util.ArrayList<>(plain.events());
        events.add(new Report.Event(1, "suta", Report.Event.DRIFT, "buffer check", 0.5));
        events.add(new Report.Event(3, "suta", Report.Event.DRIFT, "buffer check", 1e6));
        Report report = new Report(plain.results(), events, 2.0);
        report.writeAll(folder, 2);

        BufferedImage png = ImageIO.read(folder.resolve("wer-over-time.png").toFile());
        assertEquals(WerPlot.DEFAULT_HEIGHT + WerPlot.DRIFT_PANEL_HEIGHT, png.getHeight(), "taller by the drift panel");
        String html = Files.readString(folder.resolve("wer-over-time.html"));
        assertEquals(3, count(html, "<polyline"), "two WER lines and suta's drift line");
        assertTrue(html.contains("<title>suta drift z</title>"));
        assertTrue(html.contains("shift threshold z = 2"), "the threshold is drawn and named");
        assertTrue(html.contains("clipped at 20"), "a huge z is clipped, not allowed to flatten the rest");
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) n++;
        return n;
    }
}
