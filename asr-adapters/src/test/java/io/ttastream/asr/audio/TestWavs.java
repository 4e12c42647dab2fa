package io.ttastream.asr.audio;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** WAV files assembled byte by byte from the RIFF/WAVE layout, independent of the decoder. */
final class TestWavs {

    static final int PCM = 1;
    static final int FLOAT = 3;

    private TestWavs() {
    }

    /** A canonical 44-byte-header WAV (or a 68-byte WAVE_FORMAT_EXTENSIBLE one) around {@code data}. */
    static byte[] wav(int formatTag, int channels, int sampleRate, int bits, byte[] data, boolean extensible) {
        int fmtSize = extensible ? 40 : 16;
        ByteBuffer b = ByteBuffer.allocate(12 + 8 + fmtSize + 8 + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(ascii("RIFF")).putInt(b.capacity() - 8).put(ascii("WAVE"));
        int blockAlign = channels * bits / 8;
        b.put(ascii("fmt ")).putInt(fmtSize)
                .putShort((short) (extensible ? 0xFFFE : formatTag)).putShort((short) channels)
                .putInt(sampleRate).putInt(sampleRate * blockAlign).putShort((short) blockAlign).putShort((short) bits);
        if (extensible) {
            b.putShort((short) 22).putShort((short) bits).putInt(channels == 2 ? 0x3 : 0x4);
            // KSDATAFORMAT_SUBTYPE_PCM / _IEEE_FLOAT: the format tag, then a fixed GUID tail.
            b.putShort((short) formatTag).put(new byte[]{0x00, 0x00, 0x00, 0x00, 0x10, 0x00, (byte) 0x80, 0x00,
                    0x00, (byte) 0xAA, 0x00, 0x38, (byte) 0x9B, 0x71});
        }
        b.put(ascii("data")).putInt(data.length).put(data);
        return b.array();
    }

    static byte[] pcm16(short... samples) {
        ByteBuffer b = ByteBuffer.allocate(2 * samples.length).order(ByteOrder.LITTLE_ENDIAN);
        for (short s : samples) {
            b.putShort(s);
        }
        return b.array();
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
