package io.ttastream.asr.audio;

import java.nio.ByteBuffer;

/**
 * How one sample is stored, little-endian, and how it maps to [-1, 1]. Integers are divided by
 * 2^(bits - 1), as soundfile and torchaudio do, so full scale negative is exactly -1.
 */
enum SampleEncoding {
    PCM_U8(1) {
        @Override
        float read(ByteBuffer b, int at) {
            return ((b.get(at) & 0xff) - 128) / 128f;
        }
    },
    PCM16(2) {
        @Override
        float read(ByteBuffer b, int at) {
            return b.getShort(at) / 32768f;
        }
    },
    PCM24(3) {
        @Override
        float read(ByteBuffer b, int at) {
            // Assemble the three bytes in the top of an int so the sign extends on the shift back.
            int value = (b.get(at) & 0xff) << 8 | (b.get(at + 1) & 0xff) << 16 | b.get(at + 2) << 24;
            return (value >> 8) / 8388608f;
        }
    },
    PCM32(4) {
        @Override
        float read(ByteBuffer b, int at) {
            return (float) (b.getInt(at) / 2147483648.0);
        }
    },
    FLOAT32(4) {
        @Override
        float read(ByteBuffer b, int at) {
            return b.getFloat(at);
        }
    },
    FLOAT64(8) {
        @Override
        float read(ByteBuffer b, int at) {
            return (float) b.getDouble(at);
        }
    };

    /** Bytes per sample. */
    final int bytes;

    SampleEncoding(int bytes) {
        this.bytes = bytes;
    }

    /** The sample at byte offset {@code at} of a little-endian buffer. */
    abstract float read(ByteBuffer b, int at);

    /**
     * Decodes {@code frames} interleaved frames of {@code channels} samples starting at byte
     * {@code offset}, averaging the channels of each frame into one mono sample.
     */
    float[] decodeMono(ByteBuffer b, int offset, int frames, int channels) {
        float[] mono = new float[frames];
        int frameBytes = channels * bytes;
        for (int f = 0; f < frames; f++) {
            int at = offset + f * frameBytes;
            float sum = 0;
            for (int c = 0; c < channels; c++) {
                sum += read(b, at + c * bytes);
            }
            mono[f] = sum / channels;
        }
        return mono;
    }
}
