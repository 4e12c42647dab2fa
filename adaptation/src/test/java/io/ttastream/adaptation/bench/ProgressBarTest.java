package io.ttastream.adaptation.bench;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressBarTest {

    static final long SECOND = 1_000_000_000L;

    @Test
    void rendersBarCountAndEta() {
        // 100 of 300 in 31 s: 200 more at 0.31 s each is 62 s.
        assertEquals("[##########....................] 100/300 ETA 1m02s", ProgressBar.render(100, 300, 31 * SECOND));
        assertEquals("[..............................] 0/300 ETA --", ProgressBar.render(0, 300, 5 * SECOND));
        assertEquals("[##############################] 300/300 ETA 0s", ProgressBar.render(300, 300, 90 * SECOND));
        assertEquals("45s", ProgressBar.duration(45));
        assertEquals("2h05m", ProgressBar.duration(2 * 3600 + 5 * 60 + 59));
    }

    @Test
    void terminalRedrawsInPlaceAndLogsGetOneLinePerTenth() {
        AtomicLong now = new AtomicLong();
        ByteArrayOutputStream terminal = new ByteArrayOutputStream();
        ProgressBar onTerminal = new ProgressBar(20, new PrintStream(terminal, true, StandardCharsets.UTF_8), true, now::get);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        ProgressBar onLog = new ProgressBar(20, new PrintStream(log, true, StandardCharsets.UTF_8), false, now::get);
        for (int done = 1; done <= 20; done++) {
            now.addAndGet(SECOND);
            onTerminal.update(done);
            onLog.update(done);
        }
        String drawn = terminal.toString(StandardCharsets.UTF_8);
        assertEquals(20, drawn.chars().filter(c -> c == '\r').count());
        assertTrue(drawn.endsWith("20/20 ETA 0s\n"));
        String logged = log.toString(StandardCharsets.UTF_8);
        assertFalse(logged.contains("\r"));
        assertEquals(10, logged.lines().count());
        assertTrue(logged.lines().findFirst().orElseThrow().endsWith("2/20 ETA 18s"));
    }
}
