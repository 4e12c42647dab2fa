package io.ttastream.adaptation.strategy;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The detector's timeline and decision rule on hand-made statistics (K = 10, M = 2, patience 2). */
class ShiftDetectorTest {
    private final ShiftDetector detector = new ShiftDetector(new ShiftDetector.Config(10, 2.0, 2, 2));

    /** Feeds one utterance whose statistic is s; returns what the detector asked for. */
    private ShiftDetector.Need feed(double s) {
        ShiftDetector.Need need = detector.advance();
        if (need == ShiftDetector.Need.SNAPSHOT_DOMAIN) {
            detector.setDomain(Map.of());
        } else if (need == ShiftDetector.Need.STATISTIC) {
            detector.record(s);
        }
        return need;
    }

    private void warmUp() {
        for (int n = 1; n <= 4; n++) {
            assertEquals(ShiftDetector.Need.NOTHING, feed(0));
        }
        assertEquals(ShiftDetector.Need.SNAPSHOT_DOMAIN, feed(0)); // n = K/2
        double[] inDomain = {-0.1, -0.2, -0.1, -0.2}; // n = 6..9: mean -0.15, sample sd ~0.0577
        for (double s : inDomain) {
            assertEquals(ShiftDetector.Need.STATISTIC, feed(s));
        }
        assertEquals(ShiftDetector.Need.NOTHING, feed(0)); // n = K: fit
        assertTrue(detector.hasGaussian());
    }

    @Test
    void resetsOnlyAfterPatienceConsecutiveShiftedBuffers() {
        warmUp();
        feed(-0.15);
        feed(-0.15);
        assertFalse(detector.checkBuffer(), "an in-domain buffer");
        feed(0.5);
        feed(0.5);
        assertFalse(detector.checkBuffer(), "one shifted buffer is not enough");
        assertTrue(detector.lastStatistic() > 2);
        feed(-0.15);
        feed(-0.15);
        assertFalse(detector.checkBuffer(), "an in-domain buffer clears the count");
        feed(0.5);
        feed(0.5);
        assertFalse(detector.checkBuffer());
        feed(0.4);
        feed(0.6);
        assertTrue(detector.checkBuffer(), "two consecutive shifted buffers");
    }

    @Test
    void noCheckBeforeTheGaussianAndResetStartsTheTimelineOver() {
        for (int n = 1; n <= 8; n++) {
            feed(1.0);
        }
        assertFalse(detector.checkBuffer(), "no Gaussian yet");
        assertTrue(Double.isNaN(detector.lastStatistic()), "nothing was checked");
        detector.reset();
        assertFalse(detector.hasGaussian());
        warmUp();
    }
}
