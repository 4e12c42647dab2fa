package io.ttastream.asr.audio;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class Pcm16Test {

    @Test
    void decodesLittleEndianAndDownmixes() {
        byte[] mono = {0x00, 0x40, 0x00, (byte) 0x80, (byte) 0xff, 0x7f}; // 16384, -32768, 32767
        assertArrayEquals(new float[]{0.5f, -1f, 32767f / 32768}, Pcm16.decode(mono, 1));
        byte[] stereo = {0x00, 0x40, 0x00, 0x00, 0x00, (byte) 0xC0, 0x00, (byte) 0xC0}; // (16384, 0), (-16384, -16384)
        assertArrayEquals(new float[]{0.25f, -0.5f}, Pcm16.decode(stereo, 2));
        assertArrayEquals(new float[]{-1f}, Pcm16.decode(mono, 2, 2, 1));
    }

    @Test
    void rejectsPartialFrames() {
        assertThrows(IllegalArgumentException.class, () -> Pcm16.decode(new byte[3], 1));
        assertThrows(IllegalArgumentException.class, () -> Pcm16.decode(new byte[6], 2));
        assertThrows(IllegalArgumentException.class, () -> Pcm16.decode(new byte[4], 0));
    }

    @Test
    void encodeRoundsAndClips() {
        byte[] bytes = Pcm16.encode(new float[]{0.5f, -1f, 2f, -2f, 1.6f / 32768});
        assertArrayEquals(new byte[]{0x00, 0x40, 0x00, (byte) 0x80, (byte) 0xff, 0x7f, 0x00, (byte) 0x80, 0x02, 0x00}, bytes);
    }
}
