package io.ttastream.adaptation.bench;

import io.ttastream.adaptation.data.NoiseMixer;
import io.ttastream.asr.audio.Resampler;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A change applied to 16 kHz mono speech to put it in another acoustic domain. Each one is a
 * pure function of the audio and a seed: the same input and seed give the same output.
 *
 * <p>Records holding a {@code float[]} (a noise clip, an impulse response) compare that array by
 * reference, as records do; domains are identified by name, not by their corruption.
 */
public sealed interface Corruption {

    /** The sample rate every corruption assumes. */
    int SAMPLE_RATE = 16_000;

    /** Returns the corrupted audio; {@code speech} is not modified. */
    float[] apply(float[] speech, long seed);

    /** The identity: the clean domain. */
    record Clean() implements Corruption {
        @Override
        public float[] apply(float[] speech, long seed) {
            return speech.clone();
        }
    }

    /**
     * Additive noise from a recording at an SNR, the Dynamic SUTA way ({@link NoiseMixer}): the
     * seed picks where in the clip the noise starts, then the clip is tiled from there to the
     * speech's length, and speech and that noise excerpt are scaled so their RMS ratio is the SNR.
     */
    record Noise(float[] noise, double snrDb) implements Corruption {
        public Noise {
            if (noise.length == 0) throw new IllegalArgumentException("empty noise clip");
        }

        @Override
        public float[] apply(float[] speech, long seed) {
            int start = new SplittableRandom(seed).nextInt(noise.length);
            float[] excerpt = new float[speech.length];
            for (int i = 0; i < excerpt.length; i++) excerpt[i] = noise[(int) ((start + (long) i) % noise.length)];
            return NoiseMixer.mix(speech, excerpt, snrDb);
        }
    }

    /** White Gaussian noise at an SNR (the paper's GS domain), mixed like {@link Noise}. */
    record GaussianNoise(double snrDb) implements Corruption {
        @Override
        public float[] apply(float[] speech, long seed) {
            SplittableRandom random = new SplittableRandom(seed);
            float[] noise = new float[Math.max(1, speech.length)];
            for (int i = 0; i < noise.length; i++) noise[i] = (float) gaussian(random);
            return NoiseMixer.mix(speech, noise, snrDb);
        }

        /** Box-Muller; SplittableRandom has no nextGaussian in Java 17. */
        private static double gaussian(SplittableRandom random) {
            double u = 1 - random.nextDouble(); // in (0, 1], so the log is finite
            return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
        }
    }

    /**
     * Reverberation: convolution with a room impulse response scaled to unit energy (so a long
     * speech signal keeps roughly its energy) and shifted so its peak, the direct path, lands on
     * sample 0: the speech is not delayed. The tail past the input's end is cut off.
     */
    record Reverb(float[] impulseResponse) implements Corruption {
        public Reverb {
            double energy = 0;
            for (float v : impulseResponse) energy += (double) v * v;
            if (energy == 0) throw new IllegalArgumentException("silent impulse response");
        }

        @Override
        public float[] apply(float[] speech, long seed) {
            double energy = 0;
            int peak = 0;
            for (int i = 0; i < impulseResponse.length; i++) {
                energy += (double) impulseResponse[i] * impulseResponse[i];
                if (Math.abs(impulseResponse[i]) > Math.abs(impulseResponse[peak])) peak = i;
            }
            float[] unit = new float[impulseResponse.length];
            for (int i = 0; i < unit.length; i++) unit[i] = (float) (impulseResponse[i] / Math.sqrt(energy));
            double[] full = Fft.convolve(speech, unit);
            float[] out = new float[speech.length];
            for (int i = 0; i < out.length; i++) out[i] = (float) full[i + peak];
            return out;
        }
    }

    /**
     * Speed change by resampling, like playing a tape faster: factor 1.1 makes the audio 1/1.1 as
     * long and every frequency 1.1 times higher. The factor is used to 1/1000 (see {@link #playAt}).
     */
    record Speed(double factor) implements Corruption {
        public Speed {
            if (!(factor >= 0.5 && factor <= 2)) throw new IllegalArgumentException("speed factor outside [0.5, 2]: " + factor);
        }

        @Override
        public float[] apply(float[] speech, long seed) {
            return playAt(speech, factor);
        }

        /**
         * Resamples as if the audio had been recorded at 16000 * factor Hz. The factor is rounded
         * to a multiple of 1/1000 so the rate ratio reduces to at most 1000 filter phases in
         * {@link Resampler}, instead of up to 16,000 for an arbitrary ratio.
         */
        public static float[] playAt(float[] x, double factor) {
            int recordedRate = 16 * (int) Math.round(1000 * factor);
            return Resampler.resample(x, recordedRate, SAMPLE_RATE);
        }
    }

    /**
     * Pitch shift by semitones, duration kept: WSOLA stretches the audio by the frequency ratio
     * r = 2^(semitones / 12) ({@link TimeStretch}), then a speed change by r brings it back to
     * its length with every frequency times r. The ratio is used to 1/1000 (0.015 semitones near
     * +-2). Quality is that of WSOLA: fine for the +-2 semitones used here, with some roughness on
     * transients; formants move with the pitch (no formant preservation).
     */
    record PitchShift(double semitones) implements Corruption {
        public PitchShift {
            if (!(Math.abs(semitones) <= 12)) throw new IllegalArgumentException("pitch shift outside +-12 semitones: " + semitones);
        }

        @Override
        public float[] apply(float[] speech, long seed) {
            double ratio = Math.round(1000 * Math.pow(2, semitones / 12)) / 1000.0;
            float[] stretched = TimeStretch.stretch(speech, ratio);
            return Arrays.copyOf(Speed.playAt(stretched, ratio), speech.length);
        }
    }

    /**
     * Band-limited audio: a 4th-order Butterworth low-pass (two biquads), as narrowband recordings, codecs and some
     * synthetic voices have it (flite's awb has almost nothing above 4.5 kHz).
     */
    record LowPass(double cutoffHz) implements Corruption {
        /** Q of the two sections of a 4th-order Butterworth filter: 1 / (2 cos(pi/8)), 1 / (2 cos(3 pi/8)). */
        private static final double[] BUTTERWORTH_Q = {1 / (2 * Math.cos(Math.PI / 8)), 1 / (2 * Math.cos(3 * Math.PI / 8))};

        public LowPass {
            if (!(cutoffHz >= 100 && cutoffHz < SAMPLE_RATE / 2.0)) {
                throw new IllegalArgumentException("low-pass cutoff outside [100, 8000) Hz: " + cutoffHz);
            }
        }

        @Override
        public float[] apply(float[] speech, long seed) {
            return filter(speech, cutoffHz, 0);
        }

        /** A copy of {@code x} low-passed at {@code cutoffHz}, also high-passed at {@code highPassHz} when it is > 0. */
        static float[] filter(float[] x, double cutoffHz, double highPassHz) {
            float[] y = x.clone();
            for (double q : BUTTERWORTH_Q) {
                if (highPassHz > 0) {
                    Biquad.highPass(highPassHz, q, SAMPLE_RATE).filter(y);
                }
                Biquad.lowPass(cutoffHz, q, SAMPLE_RATE).filter(y);
            }
            return y;
        }
    }

    /**
     * Telephone channel: a 300-3400 Hz band-pass (4th-order Butterworth high- and low-pass, each
     * two biquads) then down to 8 kHz and back up, as a narrowband codec path would.
     */
    record Telephone() implements Corruption {
        static final double LOW_HZ = 300;
        static final double HIGH_HZ = 3400;
        static final int NARROWBAND_RATE = 8_000;

        @Override
        public float[] apply(float[] speech, long seed) {
            float[] band = LowPass.filter(speech, HIGH_HZ, LOW_HZ);
            float[] narrow = Resampler.resample(band, SAMPLE_RATE, NARROWBAND_RATE);
            return Arrays.copyOf(Resampler.resample(narrow, NARROWBAND_RATE, SAMPLE_RATE), speech.length);
        }
    }

    /** Gain in dB, clipped to [-1, 1] as a fixed-point recording would be. */
    record Gain(double db) implements Corruption {
        @Override
        public float[] apply(float[] speech, long seed) {
            float scale = (float) Math.pow(10, db / 20);
            float[] out = new float[speech.length];
            for (int i = 0; i < out.length; i++) out[i] = Math.max(-1f, Math.min(1f, speech[i] * scale));
            return out;
        }
    }
}
