package io.ttastream.adaptation.data;

/**
 * Additive noise at a signal-to-noise ratio, as Dynamic SUTA's preprocessing mixes LibriSpeech
 * with MS-SNSD noise (snr_mixer): both signals scaled to -25 dBFS RMS, the noise tiled from its
 * start to the speech's length and scaled so that speech RMS / noise RMS = 10^(snr / 20).
 */
public final class NoiseMixer {
    /** -25 dBFS as an RMS amplitude in [-1, 1] units. */
    static final double TARGET_RMS = Math.pow(10, -25 / 20.0);

    private NoiseMixer() {
    }

    public static float[] mix(float[] speech, float[] noise, double snrDb) {
        if (noise.length == 0) {
            throw new IllegalArgumentException("empty noise signal");
        }
        double speechScale = TARGET_RMS / Math.max(rms(speech), 1e-12);
        double noiseScale = TARGET_RMS / Math.max(rms(noise), 1e-12);
        // Both at -25 dBFS now; attenuate the noise to the requested SNR.
        double noiseGain = noiseScale / Math.pow(10, snrDb / 20);
        float[] out = new float[speech.length];
        for (int i = 0; i < speech.length; i++) {
            out[i] = (float) (speech[i] * speechScale + noise[i % noise.length] * noiseGain);
        }
        return out;
    }

    static double rms(float[] x) {
        double sum = 0;
        for (float v : x) {
            sum += (double) v * v;
        }
        return Math.sqrt(sum / Math.max(1, x.length));
    }
}
