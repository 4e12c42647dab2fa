package io.ttastream.asr.audio;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Raw little-endian signed 16-bit PCM, the payload of a speech frame. */
public final class Pcm16 {
    private Pcm16() {
    }

    /** Interleaved PCM16LE with the given channel count, mixed down to mono in [-1, 1). */
    public static float[] decode(byte[] bytes, int channels) throws AudioFormatException {
        if (channels < 1) {
            throw new AudioFormatException("channel count must be positive, got " + channels);
        }
        if (bytes.length % (2 * channels) != 0) {
            throw new AudioFormatException(bytes.length + " bytes is not a whole number of " + channels
                    + "-channel 16-bit samples");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        float[] mono = new float[bytes.length / (2 * channels)];
        for (int f = 0; f < mono.length; f++) {
            int sum = 0;
            for (int c = 0; c < channels; c++) {
                sum += in.getShort((f * channels + c) * 2);
            }
            mono[f] = sum / (32768f * channels);
        }
        return mono;
    }
}
