package io.ttastream.e2e;

import io.ttastream.app.TtaCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** `tta bench` on a small multi-domain stream of the shared real speech and noise. */
class BenchCliTest {
    private static final Path DATA = Path.of("../../shared/data");
    private static final Path MODEL = Path.of("../adaptation/src/test/resources/golden/tiny-layer");

    @TempDir
    Path out;

    @Test
    void comparesStrategiesPerDomainAndWritesTableAndPlots() throws Exception {
        assumeTrue(Files.isDirectory(DATA.resolve("speech")), "shared data not found at " + DATA.toAbsolutePath());
        String spec = "blocks:manifest=" + DATA.resolve("speech/librivox.tsv") + ",domains=AC+GS,block=5,repeat=1,seed=3";
        int code = TtaCli.commandLine().execute("bench", "--model", MODEL.toString(), "--strategies", "source,dsuta",
                "--steps", "1", "--stream", spec, "--out", out.toString());
        assertEquals(0, code);
        String table = Files.readString(out.resolve("report.md"));
        assertTrue(table.contains("| source |") && table.contains("| dsuta |"), table);
        assertTrue(table.contains("AC") && table.contains("GS"), table);
        String csv = Files.readString(out.resolve("report.csv"));
        assertTrue(csv.lines().count() >= 3, csv);
        // dsuta's slow update comes every 5 utterances: after the 5th and the 10th (indices 4 and 9).
        String events = Files.readString(out.resolve("events.csv"));
        assertTrue(events.startsWith("index,strategy,kind,reason,value\n"), events);
        assertTrue(events.contains("\n4,dsuta,slow-update,") && events.contains("\n9,dsuta,slow-update,"), events);
        assertTrue(Files.size(out.resolve("wer-over-time.png")) > 1000);
        String html = Files.readString(out.resolve("wer-over-time.html"));
        assertTrue(html.contains("<svg") && html.contains("dsuta"), "self-contained SVG plot");
    }
}
