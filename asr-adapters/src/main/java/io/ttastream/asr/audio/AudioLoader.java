package io.ttastream.asr.audio;

import java.io.IOException;
import java.nio.file.Path;

/** Reads audio files into what the model consumes. */
public final class AudioLoader {

    private AudioLoader() {
    }

    /**
     * Decodes a WAV file, averages its channels to mono and resamples it to 16 kHz. The samples
     * are not normalised (see {@link FeatureExtractor#normalize}).
     */
    public static float[] load16k(Path file) throws IOException {
        Audio audio = WavDecoder.read(file);
        return Resampler.resample(audio.samples(), audio.sampleRate(), FeatureExtractor.SAMPLE_RATE);
    }
}
