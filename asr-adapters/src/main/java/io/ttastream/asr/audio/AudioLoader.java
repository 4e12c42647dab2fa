package io.ttastream.asr.audio;

import java.io.IOException;
import java.nio.file.Path;

/** The one call the tools use to read an audio file: decode, mix to mono, resample to 16 kHz. */
public final class AudioLoader {
    public static final int SAMPLE_RATE = 16000;

    private AudioLoader() {
    }

    public static float[] load16k(Path file) throws IOException {
        Audio audio = WavDecoder.decode(file);
        return Resampler.resample(audio.samples(), audio.sampleRate(), SAMPLE_RATE);
    }
}
