package io.ttastream.asr.audio;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class AudioTest {

    /** A WAV file written here byte by byte, independent of the decoder. */
    private static byte[] wav(int format, int channels, int rate, int bits, byte[] data, boolean extensible) {
        int fmtSize = extensible ? 40 : 16;
        ByteBuffer b = ByteBuffer.allocate(20 + fmtSize + 8 + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(12 + fmtSize + 8 + data.length).put("WAVE".getBytes());
        b.put("fmt ".getBytes()).putInt(fmtSize).putShort((short) (extensible ? 0xfffe : format))
                .putShort((short) channels).putInt(rate).putInt(rate * channels * bits / 8)
                .putShort((short) (channels * bits / 8)).putShort((short) bits);
        if (extensible) {
            b.putShort((short) 22).putShort((short) bits).putInt(0).putShort((short) format)
                    .put(new byte[]{0, 0, 0, 0, 0x10, 0, (byte) 0x80, 0, 0, (byte) 0xaa, 0, 0x38, (byte) 0x9b, 0x71});
        }
        b.put("data".getBytes()).putInt(data.length).put(data);
        return b.array();
    }

    @Test
    void decodesPcm16StereoByAveragingChannels() throws Exception {
        ByteBuffer d = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        d.putShort((short) 16384).putShort((short) 0).putShort((short) -32768).putShort((short) -16384);
        Audio a = WavDecoder.decode(wav(1, 2, 8000, 16, d.array(), false));
        assertEquals(8000, a.sampleRate());
        assertArrayEquals(new float[]{0.25f, -0.75f}, a.samples());
    }

    @Test
    void decodesPcm24Pcm32AndFloatIncludingExtensible() throws Exception {
        byte[] pcm24 = {0, 0, 0x40, (byte) 0xff, (byte) 0xff, (byte) 0xff}; // 0.5, -1/8388608
        assertArrayEquals(new float[]{0.5f, -1f / 8388608}, WavDecoder.decode(wav(1, 1, 16000, 24, pcm24, false)).samples());
        ByteBuffer pcm32 = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(Integer.MIN_VALUE / 4);
        assertArrayEquals(new float[]{-0.25f}, WavDecoder.decode(wav(1, 1, 16000, 32, pcm32.array(), true)).samples());
        ByteBuffer f32 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(0.125f).putFloat(-0.5f);
        assertArrayEquals(new float[]{0.125f, -0.5f}, WavDecoder.decode(wav(3, 1, 44100, 32, f32.array(), false)).samples());
        assertArrayEquals(new float[]{0.125f, -0.5f}, WavDecoder.decode(wav(3, 1, 44100, 32, f32.array(), true)).samples());
    }

    @Test
    void rejectsUnsupportedAndMalformedInput() {
        AudioFormatException alaw = assertThrows(AudioFormatException.class,
                () -> WavDecoder.decode(wav(6, 1, 8000, 8, new byte[4], false)));
        assertTrue(alaw.getMessage().contains("unsupported WAV encoding"), alaw.getMessage());
        assertThrows(AudioFormatException.class, () -> WavDecoder.decode("hello, not a wav".getBytes()));
        AudioFormatException odd = assertThrows(AudioFormatException.class, () -> Pcm16.decode(new byte[3], 1));
        assertTrue(odd.getMessage().contains("16-bit"), odd.getMessage());
    }

    @Test
    void pcm16EncodeDecodeRoundTrip() throws Exception {
        float[] samples = {0f, 0.5f, -0.5f, 0.999f};
        Audio a = WavDecoder.decode(WavDecoder.encodePcm16(samples, 16000));
        for (int i = 0; i < samples.length; i++) {
            // Written as round(x * 32767), read as n / 32768 (the usual conventions): within two steps.
            assertEquals(samples[i], a.samples()[i], 2.0 / 32768);
        }
    }

    private static float[] sine(double freq, int rate, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) Math.sin(2 * Math.PI * freq * i / rate);
        }
        return x;
    }

    private static double rms(float[] x, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += x[i] * x[i];
        }
        return Math.sqrt(s / (to - from));
    }

    @Test
    void resamplingKeepsInBandSinesAndRemovesContentAboveTheNewNyquist() {
        for (int from : new int[]{8000, 22050, 44100, 48000}) {
            float[] x = sine(440, from, from); // one second
            float[] y = Resampler.resample(x, from, 16000);
            assertEquals((int) Math.ceil(x.length * 16000.0 / from), y.length, "length for " + from);
            float[] expected = sine(440, 16000, y.length);
            // Away from the edges the resampled sine matches the ideal one closely.
            for (int i = 1000; i < y.length - 1000; i++) {
                assertEquals(expected[i], y[i], 2e-3, from + " Hz at sample " + i);
            }
        }
        float[] high = sine(10000, 48000, 48000); // above 8 kHz: must vanish at 16 kHz
        float[] y = Resampler.resample(high, 48000, 16000);
        assertTrue(rms(y, 1000, y.length - 1000) < 0.01, "aliased energy " + rms(y, 1000, y.length - 1000));
    }

    @Test
    void normalisationIsZeroMeanUnitVarianceLikeWav2Vec2FeatureExtractor() {
        float[] x = {1, 2, 3, 4};
        float[] y = FeatureExtractor.normalize(x);
        // mean 2.5, population variance 1.25
        double s = 1 / Math.sqrt(1.25 + 1e-7);
        assertArrayEquals(new float[]{(float) (-1.5 * s), (float) (-0.5 * s), (float) (0.5 * s), (float) (1.5 * s)}, y, 1e-6f);
    }

    @Test
    void decodesTheSharedRealSpeech() throws Exception {
        Path dir = Path.of("../../shared/data/speech/ljspeech");
        assumeTrue(Files.isDirectory(dir), "shared data not present at " + dir.toAbsolutePath());
        float[] samples = AudioLoader.load16k(dir.resolve("LJ001-0002.wav"));
        assertTrue(samples.length > 16000 && samples.length < 16000 * 5, "length " + samples.length);
        assertTrue(rms(samples, 0, samples.length) > 0.01, "speech is not silent");
    }
}
