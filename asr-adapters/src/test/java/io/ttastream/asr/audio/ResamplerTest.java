package io.ttastream.asr.audio;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResamplerTest {

    private static float[] sine(double hz, int rate, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) Math.sin(2 * Math.PI * hz * i / rate);
        }
        return x;
    }

    /** Largest difference from sin(2 pi hz t) over the samples away from both ends (the filter's edge effects). */
    private static double maxErrorFromSine(float[] y, double hz, int rate, int margin) {
        double worst = 0;
        for (int i = margin; i < y.length - margin; i++) {
            worst = Math.max(worst, Math.abs(y[i] - Math.sin(2 * Math.PI * hz * i / rate)));
        }
        return worst;
    }

    private static double rms(float[] y, int margin) {
        double sum = 0;
        for (int i = margin; i < y.length - margin; i++) {
            sum += y[i] * y[i];
        }
        return Math.sqrt(sum / (y.length - 2 * margin));
    }

    /** Compares with torchaudio.functional.resample's output (src/test/resources/resample/make_golden.py). */
    @Test
    void matchesTorchaudio() throws IOException {
        float[] x = new float[300];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (Math.sin(0.37 * i) + 0.5 * Math.sin(1.91 * i) + 0.25 * Math.cos(2.7 * i));
        }
        try (InputStream in = ResamplerTest.class.getResourceAsStream("/resample/golden.txt")) {
            List<String> lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            assertEquals(8, lines.size());
            for (int block = 0; block < lines.size(); block += 2) {
                String[] header = lines.get(block).split(" ");
                int from = Integer.parseInt(header[0]);
                String[] values = lines.get(block + 1).split(" ");
                float[] y = Resampler.resample(x, from, Integer.parseInt(header[1]));
                assertEquals(Integer.parseInt(header[2]), y.length, from + " Hz");
                assertEquals(values.length, y.length);
                for (int i = 0; i < y.length; i++) {
                    assertEquals(Float.parseFloat(values[i]), y[i], 1e-4, from + " Hz, sample " + i);
                }
            }
        }
    }

    @Test
    void outputLengthIsTheCeilingOfTheRatio() {
        assertEquals(16000, Resampler.resample(new float[48000], 48000, 16000).length);
        assertEquals(334, Resampler.resample(new float[1001], 48000, 16000).length);   // ceil(1001 / 3)
        assertEquals(363, Resampler.resample(new float[1000], 44100, 16000).length);   // ceil(1000 * 160 / 441)
        assertEquals(726, Resampler.resample(new float[1000], 22050, 16000).length);   // ceil(1000 * 320 / 441)
        assertEquals(2002, Resampler.resample(new float[1001], 8000, 16000).length);
        assertEquals(0, Resampler.resample(new float[0], 44100, 16000).length);
    }

    @Test
    void sinesBelowTheNewNyquistKeepAmplitudeAndFrequency() {
        for (int from : new int[]{8000, 22050, 44100, 48000}) {
            // The passband ends about a fifth of an octave below the lower Nyquist frequency (the filter's transition band).
            double top = 0.35 * Math.min(from, 16000);
            for (double hz : new double[]{100, 440, top}) {
                float[] y = Resampler.resample(sine(hz, from, from), from, 16000);
                double error = maxErrorFromSine(y, hz, 16000, 200);
                assertTrue(error < 1e-2, from + " Hz, " + hz + " Hz sine: max error " + error);
            }
        }
    }

    @Test
    void contentAboveTheNewNyquistIsRemoved() {
        // 11 and 12 kHz cannot exist at 16 kHz; without the lowpass they would alias to 5 and 4 kHz at full amplitude.
        // (Just above 8 kHz lies the filter's transition band, which torchaudio's default filter shares.)
        for (double hz : new double[]{11000, 12000}) {
            float[] y = Resampler.resample(sine(hz, 48000, 48000), 48000, 16000);
            // At least 40 dB down from the input's rms of 0.707.
            assertTrue(rms(y, 200) < 0.00707, hz + " Hz leaked with rms " + rms(y, 200));
        }
        float[] y = Resampler.resample(sine(10000, 44100, 44100), 44100, 16000);
        assertTrue(rms(y, 200) < 0.00707, "10 kHz from 44.1 kHz leaked with rms " + rms(y, 200));
    }

    @Test
    void constantSignalKeepsItsLevel() {
        float[] ones = new float[4410];
        java.util.Arrays.fill(ones, 1f);
        float[] y = Resampler.resample(ones, 44100, 16000);
        for (int i = 100; i < y.length - 100; i++) {
            assertEquals(1, y[i], 1e-3);
        }
    }

    @Test
    void sameRateCopies() {
        float[] x = {1, 2, 3};
        float[] y = Resampler.resample(x, 16000, 16000);
        assertArrayEquals(x, y);
        assertNotSame(x, y);
        assertThrows(IllegalArgumentException.class, () -> Resampler.resample(x, 0, 16000));
    }
}
