package io.ttastream.asr.audio;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AudioLoaderTest {

    /** The project's shared recordings, relative to this module's folder (the test's working directory). */
    private static final Path LJSPEECH = Path.of("../../shared/data/speech/ljspeech");

    @TempDir
    Path dir;

    @Test
    void stereo48kBecomesMono16k() throws IOException {
        int n = 4800;
        ByteBuffer pcm = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            short s = (short) Math.round(16384 * Math.sin(2 * Math.PI * 1000 * i / 48000.0));
            pcm.putShort(s).putShort(s); // the same tone on both channels
        }
        Path file = Files.write(dir.resolve("tone.wav"), TestWavs.wav(TestWavs.PCM, 2, 48000, 16, pcm.array(), false));
        float[] samples = AudioLoader.load16k(file);
        assertEquals(1600, samples.length);
        for (int i = 100; i < samples.length - 100; i++) {
            assertEquals(0.5 * Math.sin(2 * Math.PI * 1000 * i / 16000.0), samples[i], 2e-3);
        }
    }

    @Test
    void sharedLjSpeechRecordingsDecode() throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(LJSPEECH),
                "skipped: shared recordings not found at " + LJSPEECH.toAbsolutePath().normalize());
        List<Path> files;
        try (Stream<Path> listing = Files.list(LJSPEECH)) {
            files = listing.filter(p -> p.toString().endsWith(".wav")).sorted().toList();
        }
        assertEquals(32, files.size(), "the data README lists 32 LJ Speech utterances");
        for (Path file : files) {
            Audio audio = WavDecoder.read(file);
            assertEquals(16000, audio.sampleRate(), file.toString());
            double seconds = audio.durationSeconds();
            assertTrue(seconds > 0.5 && seconds < 15, file + " lasts " + seconds + " s");
            float peak = 0;
            for (float s : audio.samples()) {
                peak = Math.max(peak, Math.abs(s));
            }
            assertTrue(peak > 0.05 && peak <= 1, file + " peaks at " + peak);
            // 44-byte header plus 2 bytes per sample.
            assertEquals(Files.size(file) - 44, 2L * audio.samples().length, file.toString());
            assertEquals(audio.samples().length, AudioLoader.load16k(file).length);
        }
    }
}
