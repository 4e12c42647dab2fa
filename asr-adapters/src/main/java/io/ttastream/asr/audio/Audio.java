package io.ttastream.asr.audio;

/**
 * Mono audio: samples in [-1, 1] at a sample rate in Hz. The array is shared, not copied.
 */
public record Audio(float[] samples, int sampleRate) {

    public Audio {
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("sample rate must be positive, got " + sampleRate);
        }
    }

    /** Length in seconds. */
    public double durationSeconds() {
        return (double) samples.length / sampleRate;
    }
}
