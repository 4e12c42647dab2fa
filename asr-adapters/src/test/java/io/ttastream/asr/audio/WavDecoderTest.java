package io.ttastream.asr.audio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static io.ttastream.asr.audio.TestWavs.FLOAT;
import static io.ttastream.asr.audio.TestWavs.PCM;
import static io.ttastream.asr.audio.TestWavs.wav;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WavDecoderTest {

    @TempDir
    Path dir;

    @Test
    void pcm16Mono() throws IOException {
        byte[] file = wav(PCM, 1, 16000, 16, TestWavs.pcm16((short) 0, (short) 16384, (short) -32768, (short) 32767), false);
        Audio audio = WavDecoder.decode(file);
        assertEquals(16000, audio.sampleRate());
        assertArrayEquals(new float[]{0f, 0.5f, -1f, 32767f / 32768f}, audio.samples());
    }

    @Test
    void pcm24StereoIsAveraged() throws IOException {
        // Frames (L, R): (0x400000, 0) and (-0x800000, -0x800000), as 3-byte little-endian integers.
        byte[] data = {0x00, 0x00, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00, (byte) 0x80, 0x00, 0x00, (byte) 0x80};
        for (boolean extensible : new boolean[]{false, true}) {
            Audio audio = WavDecoder.decode(wav(PCM, 2, 44100, 24, data, extensible));
            assertEquals(44100, audio.sampleRate());
            assertArrayEquals(new float[]{0.25f, -1f}, audio.samples());
        }
    }

    @Test
    void pcm32AndUnsigned8Bit() throws IOException {
        byte[] pcm32 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(0x40000000).putInt(Integer.MIN_VALUE).array();
        assertArrayEquals(new float[]{0.5f, -1f}, WavDecoder.decode(wav(PCM, 1, 8000, 32, pcm32, false)).samples());
        byte[] u8 = {(byte) 0x80, (byte) 0xC0, 0x00};
        assertArrayEquals(new float[]{0f, 0.5f, -1f}, WavDecoder.decode(wav(PCM, 1, 8000, 8, u8, false)).samples());
    }

    @Test
    void floatFormatsPlainAndExtensible() throws IOException {
        byte[] stereo = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN)
                .putFloat(0.5f).putFloat(-0.25f).putFloat(1f).putFloat(1f).array();
        for (boolean extensible : new boolean[]{false, true}) {
            Audio audio = WavDecoder.decode(wav(FLOAT, 2, 48000, 32, stereo, extensible));
            assertArrayEquals(new float[]{0.125f, 1f}, audio.samples());
            assertEquals(48000, audio.sampleRate());
        }
        byte[] doubles = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(-0.75).array();
        assertArrayEquals(new float[]{-0.75f}, WavDecoder.decode(wav(FLOAT, 1, 16000, 64, doubles, false)).samples());
    }

    @Test
    void skipsOtherChunksIncludingOddSizedOnes() throws IOException {
        byte[] plain = wav(PCM, 1, 16000, 16, TestWavs.pcm16((short) 8192, (short) -8192), false);
        // Insert a 3-byte LIST chunk (plus its pad byte) between fmt and data.
        byte[] list = {'L', 'I', 'S', 'T', 3, 0, 0, 0, 'a', 'b', 'c', 0};
        byte[] file = new byte[plain.length + list.length];
        System.arraycopy(plain, 0, file, 0, 36);
        System.arraycopy(list, 0, file, 36, list.length);
        System.arraycopy(plain, 36, file, 36 + list.length, plain.length - 36);
        assertArrayEquals(new float[]{0.25f, -0.25f}, WavDecoder.decode(file).samples());
    }

    @Test
    void roundTripThroughPcm16() throws IOException {
        float[] samples = new float[1000];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (float) (0.8 * Math.sin(2 * Math.PI * 440 * i / 22050.0));
        }
        Path file = Files.write(dir.resolve("sine.wav"), wav(PCM, 1, 22050, 16, Pcm16.encode(samples), false));
        Audio audio = WavDecoder.read(file);
        assertEquals(22050, audio.sampleRate());
        assertEquals(samples.length, audio.samples().length);
        for (int i = 0; i < samples.length; i++) {
            assertEquals(samples[i], audio.samples()[i], 0.5 / 32768 + 1e-7);
        }
    }

    @Test
    void unsupportedEncodingsAreNamed() {
        AudioFormatException alaw = assertThrows(AudioFormatException.class,
                () -> WavDecoder.decode(wav(6, 1, 8000, 8, new byte[4], false)));
        assertTrue(alaw.getMessage().contains("A-law"), alaw.getMessage());
        AudioFormatException mulaw = assertThrows(AudioFormatException.class,
                () -> WavDecoder.decode(wav(7, 1, 8000, 8, new byte[4], true)));
        assertTrue(mulaw.getMessage().contains("mu-law"), mulaw.getMessage());
        AudioFormatException twelveBit = assertThrows(AudioFormatException.class,
                () -> WavDecoder.decode(wav(PCM, 1, 8000, 12, new byte[4], false)));
        assertTrue(twelveBit.getMessage().contains("12 bits"), twelveBit.getMessage());
    }

    @Test
    void truncatedAndForeignFilesFail() throws IOException {
        byte[] whole = wav(PCM, 1, 16000, 16, new byte[100], false);
        AudioFormatException cut = assertThrows(AudioFormatException.class,
                () -> WavDecoder.decode(Arrays.copyOf(whole, 90)));
        assertTrue(cut.getMessage().contains("truncated"), cut.getMessage());
        assertThrows(AudioFormatException.class, () -> WavDecoder.decode(Arrays.copyOf(whole, 30)));
        assertThrows(AudioFormatException.class, () -> WavDecoder.decode(TestWavs.ascii("ID3 an mp3 file, not a wav")));
        Path bad = Files.write(dir.resolve("bad.wav"), Arrays.copyOf(whole, 90));
        AudioFormatException named = assertThrows(AudioFormatException.class, () -> WavDecoder.read(bad));
        assertTrue(named.getMessage().contains("bad.wav"), named.getMessage());
    }
}
