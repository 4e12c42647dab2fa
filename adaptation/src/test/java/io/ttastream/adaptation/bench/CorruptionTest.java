package io.ttastream.adaptation.bench;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CorruptionTest {

    static final int RATE = 16_000;

    static float[] tone(double hz, double seconds) {
        float[] x = new float[(int) (RATE * seconds)];
        for (int i = 0; i < x.length; i++) x[i] = (float) (0.5 * Math.sin(2 * Math.PI * hz * i / RATE));
        return x;
    }

    /** A speech-like test signal: a few harmonics with a slow amplitude envelope. */
    static float[] voicedSignal(double seconds) {
        float[] x = new float[(int) (RATE * seconds)];
        for (int i = 0; i < x.length; i++) {
            double t = (double) i / RATE;
            double envelope = 0.5 + 0.5 * Math.sin(2 * Math.PI * 3 * t);
            x[i] = (float) (0.3 * envelope * (Math.sin(2 * Math.PI * 150 * t) + 0.5 * Math.sin(2 * Math.PI * 300 * t)
                    + 0.25 * Math.sin(2 * Math.PI * 450 * t)));
        }
        return x;
    }

    static double rms(float[] x, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) sum += (double) x[i] * x[i];
        return Math.sqrt(sum / (to - from));
    }

    static double rms(float[] x) {
        return rms(x, 0, x.length);
    }

    /** The strongest frequency between lo and hi Hz (0.25 Hz steps), by direct DFT over x[from..to). */
    static double dominantFrequency(float[] x, int from, int to, double lo, double hi) {
        double best = lo, bestPower = -1;
        for (double f = lo; f <= hi; f += 0.25) {
            double re = 0, im = 0;
            for (int i = from; i < to; i++) {
                double phase = 2 * Math.PI * f * i / RATE;
                re += x[i] * Math.cos(phase);
                im += x[i] * Math.sin(phase);
            }
            double power = re * re + im * im;
            if (power > bestPower) {
                bestPower = power;
                best = f;
            }
        }
        return best;
    }

    /**
     * The SNR of an additive corruption measured back: noise alone is the corruption of silence
     * (same seed, so same noise), speech is what remains.
     */
    static double measuredSnrDb(Corruption corruption, float[] speech, long seed) {
        float[] mixed = corruption.apply(speech, seed);
        float[] noiseOnly = corruption.apply(new float[speech.length], seed);
        float[] speechOnly = new float[speech.length];
        for (int i = 0; i < speech.length; i++) speechOnly[i] = mixed[i] - noiseOnly[i];
        return 20 * Math.log10(rms(speechOnly) / rms(noiseOnly));
    }

    @Test
    void recordedNoiseIsMixedAtTheRequestedSnrFromASeededOffset() {
        Random random = new Random(3);
        float[] noiseClip = new float[5_000]; // shorter than the speech: it must tile
        for (int i = 0; i < noiseClip.length; i++) noiseClip[i] = (float) (random.nextGaussian() * (1 + Math.sin(i / 300.0)));
        float[] speech = voicedSignal(1.0);
        for (double snr : new double[]{5, 0, -5, 20}) {
            assertEquals(snr, measuredSnrDb(new Corruption.Noise(noiseClip, snr), speech, 7), 0.1);
        }
        Corruption.Noise noise = new Corruption.Noise(noiseClip, 5);
        assertArrayEquals(noise.apply(speech, 11), noise.apply(speech, 11));
        assertFalse(java.util.Arrays.equals(noise.apply(speech, 11), noise.apply(speech, 12)), "seed moves the noise's start");
    }

    @Test
    void gaussianNoiseIsMixedAtTheRequestedSnrAndReproducible() {
        float[] speech = voicedSignal(1.0);
        assertEquals(5, measuredSnrDb(new Corruption.GaussianNoise(5), speech, 1), 0.1);
        assertEquals(-3, measuredSnrDb(new Corruption.GaussianNoise(-3), speech, 2), 0.1);
        Corruption gs = new Corruption.GaussianNoise(5);
        assertArrayEquals(gs.apply(speech, 4), gs.apply(speech, 4));
        assertFalse(java.util.Arrays.equals(gs.apply(speech, 4), gs.apply(speech, 5)));
    }

    @Test
    void reverbWithAnImpulseIsTheIdentityWhateverItsDelayAndScale() {
        float[] impulse = new float[400];
        impulse[123] = 0.25f; // unit energy after normalisation, and aligned on its peak
        float[] speech = voicedSignal(0.5);
        float[] out = new Corruption.Reverb(impulse).apply(speech, 0);
        assertEquals(speech.length, out.length);
        for (int i = 0; i < speech.length; i++) assertEquals(speech[i], out[i], 1e-5);
    }

    @Test
    void reverbKeepsLengthAndEnergyOrderAndSpreadsAClick() {
        // A synthetic room: direct path at 40 samples, then an exponentially decaying noise tail.
        Random random = new Random(5);
        float[] rir = new float[8_000];
        rir[40] = 1;
        for (int i = 41; i < rir.length; i++) rir[i] = (float) (0.3 * random.nextGaussian() * Math.exp(-(i - 40) / 1_500.0));
        float[] noise = new float[32_000];
        for (int i = 0; i < noise.length; i++) noise[i] = (float) (0.1 * random.nextGaussian());
        float[] out = new Corruption.Reverb(rir).apply(noise, 0);
        assertEquals(noise.length, out.length);
        double ratio = Math.pow(rms(out, 8_000, 32_000) / rms(noise, 8_000, 32_000), 2);
        assertTrue(ratio > 0.5 && ratio < 2, "unit-energy RIR keeps a white signal's energy, ratio " + ratio);

        float[] click = new float[16_000];
        click[1_000] = 1;
        float[] echo = new Corruption.Reverb(rir).apply(click, 0);
        int peak = 0;
        for (int i = 0; i < echo.length; i++) if (Math.abs(echo[i]) > Math.abs(echo[peak])) peak = i;
        assertEquals(1_000, peak, "the direct path is not delayed");
        assertEquals(0, rms(echo, 0, 999), 1e-6, "nothing before the direct path");
        assertTrue(rms(echo, 1_100, 3_000) > 1e-3, "a tail after it");
    }

    @Test
    void fftConvolutionMatchesTheDirectSum() {
        Random random = new Random(9);
        float[] x = new float[301], h = new float[77];
        for (int i = 0; i < x.length; i++) x[i] = (float) random.nextGaussian();
        for (int i = 0; i < h.length; i++) h[i] = (float) random.nextGaussian();
        double[] y = Fft.convolve(x, h);
        assertEquals(x.length + h.length - 1, y.length);
        for (int n = 0; n < y.length; n++) {
            double direct = 0;
            for (int k = 0; k < h.length; k++) if (n - k >= 0 && n - k < x.length) direct += (double) h[k] * x[n - k];
            assertEquals(direct, y[n], 1e-9);
        }
    }

    @Test
    void telephoneKeepsTheVoiceBandOnly() {
        Corruption telephone = new Corruption.Telephone();
        // Measure after the filters' start-up transient.
        double kept1k = rms(telephone.apply(tone(1_000, 1), 0), 4_000, 12_000) / rms(tone(1_000, 1), 4_000, 12_000);
        double kept100 = rms(telephone.apply(tone(100, 1), 0), 4_000, 12_000) / rms(tone(100, 1), 4_000, 12_000);
        double kept6k = rms(telephone.apply(tone(6_000, 1), 0), 4_000, 12_000) / rms(tone(6_000, 1), 4_000, 12_000);
        assertEquals(1, kept1k, 0.05);
        assertTrue(kept100 < 0.03, "100 Hz below the band: " + kept100); // 4th order at 300 Hz: about -38 dB
        assertTrue(kept6k < 0.01, "6 kHz above the band: " + kept6k);
        assertEquals(16_000, telephone.apply(tone(1_000, 1), 0).length);
    }

    @Test
    void lowPassKeepsTheBandBelowItsCutoffOnly() {
        Corruption lowPass = new Corruption.LowPass(4_000);
        // Gain after the filters' start-up transient: 1 well inside the band, 1/sqrt(2) (-3 dB) at the cutoff.
        double kept1k = rms(lowPass.apply(tone(1_000, 1), 0), 4_000, 12_000) / rms(tone(1_000, 1), 4_000, 12_000);
        double keptCutoff = rms(lowPass.apply(tone(4_000, 1), 0), 4_000, 12_000) / rms(tone(4_000, 1), 4_000, 12_000);
        double kept7k = rms(lowPass.apply(tone(7_000, 1), 0), 4_000, 12_000) / rms(tone(7_000, 1), 4_000, 12_000);
        assertEquals(1, kept1k, 0.02);
        assertEquals(Math.sqrt(0.5), keptCutoff, 0.03);
        assertTrue(kept7k < 0.01, "7 kHz above a 4 kHz cutoff: " + kept7k);
        float[] x = tone(7_000, 0.1);
        float[] before = x.clone();
        assertEquals(x.length, lowPass.apply(x, 0).length);
        assertArrayEquals(before, x, "input untouched");
        assertThrows(IllegalArgumentException.class, () -> new Corruption.LowPass(8_000));
    }

    @Test
    void speedUpShortensAndRaisesPitchTogether() {
        float[] x = tone(440, 1);
        float[] faster = new Corruption.Speed(1.1).apply(x, 0);
        assertEquals(x.length / 1.1, faster.length, 1);
        assertEquals(440 * 1.1, dominantFrequency(faster, 2_000, 12_000, 400, 560), 1);
        float[] slower = new Corruption.Speed(0.9).apply(x, 0);
        assertEquals(x.length / 0.9, slower.length, 1);
        assertEquals(440 * 0.9, dominantFrequency(slower, 2_000, 16_000, 340, 480), 1);
    }

    @Test
    void pitchShiftKeepsLengthAndMovesATone() {
        float[] x = tone(440, 1);
        float[] up = new Corruption.PitchShift(2).apply(x, 0);
        float[] down = new Corruption.PitchShift(-2).apply(x, 0);
        assertEquals(x.length, up.length);
        assertEquals(x.length, down.length);
        double ratio = Math.pow(2, 2 / 12.0);
        assertEquals(440 * ratio, dominantFrequency(up, 2_000, 14_000, 400, 560), 440 * ratio * 0.005);
        assertEquals(440 / ratio, dominantFrequency(down, 2_000, 14_000, 330, 480), 440 / ratio * 0.005);
        // WSOLA splices in phase, so a steady tone keeps a steady level.
        assertEquals(rms(x, 2_000, 14_000), rms(up, 2_000, 14_000), 0.05 * rms(x, 2_000, 14_000));
    }

    @Test
    void gainScalesAndClips() {
        float[] x = {0.5f, -0.25f, 0.05f};
        assertArrayEquals(new float[]{0.05f, -0.025f, 0.005f}, new Corruption.Gain(-20).apply(x, 0), 1e-6f);
        assertArrayEquals(new float[]{1f, -1f, 0.5f}, new Corruption.Gain(20).apply(x, 0), 1e-6f);
        assertEquals(0.5f, x[0], "input untouched");
    }

    @Test
    void cleanIsACopy() {
        float[] x = {0.1f, 0.2f};
        float[] y = new Corruption.Clean().apply(x, 0);
        assertArrayEquals(x, y);
        y[0] = 9;
        assertEquals(0.1f, x[0]);
    }
}
