package io.ttastream.asr.audio;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Raw 16-bit little-endian PCM, the format of the service's speech frames. */
public final class Pcm16 {

    private Pcm16() {
    }

    /** Decodes interleaved PCM16LE frames of {@code channels} samples to mono samples in [-1, 1]. */
    public static float[] decode(byte[] bytes, int channels) {
        return decode(bytes, 0, bytes.length, channels);
    }

    /**
     * Decodes {@code length} bytes from {@code offset}: interleaved PCM16LE frames of
     * {@code channels} samples, averaged to mono and scaled by 1 / 32768.
     *
     * @throws IllegalArgumentException if the bytes are not a whole number of frames
     */
    public static float[] decode(byte[] bytes, int offset, int length, int channels) {
        if (channels <= 0) {
            throw new IllegalArgumentException("channel count must be positive, got " + channels);
        }
        int frameBytes = 2 * channels;
        if (length % frameBytes != 0) {
            throw new IllegalArgumentException(length + " bytes are not a whole number of " + channels
                    + "-channel PCM16 frames (" + frameBytes + " bytes each)");
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        return SampleEncoding.PCM16.decodeMono(buffer, offset, length / frameBytes, channels);
    }

    /** Encodes mono samples as PCM16LE: scaled by 32768, rounded, clipped to the 16-bit range. */
    public static byte[] encode(float[] samples) {
        ByteBuffer buffer = ByteBuffer.allocate(2 * samples.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float s : samples) {
            long scaled = Math.round(s * 32768.0);
            buffer.putShort((short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, scaled)));
        }
        return buffer.array();
    }
}
