package io.ttastream.asr.audio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * RIFF WAV decoding: PCM 16, 24 and 32 bit, IEEE float 32 bit, plain or WAVE_FORMAT_EXTENSIBLE,
 * any channel count (mixed down to mono by averaging), any sample rate.
 */
public final class WavDecoder {
    private static final int FORMAT_PCM = 1;
    private static final int FORMAT_FLOAT = 3;
    private static final int FORMAT_EXTENSIBLE = 0xfffe;

    private WavDecoder() {
    }

    public static Audio decode(Path file) throws IOException {
        try {
            return decode(Files.readAllBytes(file));
        } catch (AudioFormatException e) {
            throw new AudioFormatException(file + ": " + e.getMessage());
        }
    }

    public static Audio decode(byte[] bytes) throws AudioFormatException {
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 12 || in.getInt(0) != 0x46464952 /* RIFF */ || in.getInt(8) != 0x45564157 /* WAVE */) {
            throw new AudioFormatException("not a RIFF/WAVE file");
        }
        int format = -1, channels = 0, rate = 0, bits = 0;
        int pos = 12;
        while (pos + 8 <= bytes.length) {
            int id = in.getInt(pos);
            long size = in.getInt(pos + 4) & 0xffffffffL;
            int body = pos + 8;
            if (id == 0x20746d66 /* "fmt " */) {
                if (size < 16) {
                    throw new AudioFormatException("fmt chunk too short");
                }
                format = in.getShort(body) & 0xffff;
                channels = in.getShort(body + 2) & 0xffff;
                rate = in.getInt(body + 4);
                bits = in.getShort(body + 14) & 0xffff;
                if (format == FORMAT_EXTENSIBLE && size >= 26) {
                    format = in.getShort(body + 24) & 0xffff; // the sub-format GUID starts with the format code
                }
            } else if (id == 0x61746164 /* "data" */) {
                if (format < 0) {
                    throw new AudioFormatException("data chunk before fmt chunk");
                }
                long available = Math.min(size, bytes.length - body);
                return new Audio(samples(in, body, (int) available, format, channels, bits), rate);
            }
            pos = (int) (body + size + (size & 1));
        }
        throw new AudioFormatException("no data chunk");
    }

    private static float[] samples(ByteBuffer in, int start, int length, int format, int channels, int bits)
            throws AudioFormatException {
        if (channels < 1) {
            throw new AudioFormatException("no channels");
        }
        boolean pcm = format == FORMAT_PCM && (bits == 16 || bits == 24 || bits == 32);
        boolean ieee = format == FORMAT_FLOAT && bits == 32;
        if (!pcm && !ieee) {
            throw new AudioFormatException("unsupported WAV encoding: format " + format + ", " + bits
                    + " bits (supported: PCM 16/24/32-bit, IEEE float 32-bit)");
        }
        int width = bits / 8;
        int frames = length / (width * channels);
        float[] mono = new float[frames];
        for (int f = 0; f < frames; f++) {
            double sum = 0;
            for (int c = 0; c < channels; c++) {
                int p = start + (f * channels + c) * width;
                sum += ieee ? in.getFloat(p) : switch (bits) {
                    case 16 -> in.getShort(p) / 32768.0;
                    case 24 -> ((in.get(p) & 0xff) | (in.get(p + 1) & 0xff) << 8 | in.get(p + 2) << 16) / 8388608.0;
                    default -> in.getInt(p) / 2147483648.0;
                };
            }
            mono[f] = (float) (sum / channels);
        }
        return mono;
    }

    /** Writes mono 16-bit PCM (clipped to [-1, 1]), the format of the project's data. */
    public static byte[] encodePcm16(float[] samples, int sampleRate) {
        ByteBuffer out = ByteBuffer.allocate(44 + samples.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(0x46464952).putInt(36 + samples.length * 2).putInt(0x45564157);
        out.putInt(0x20746d66).putInt(16).putShort((short) FORMAT_PCM).putShort((short) 1)
                .putInt(sampleRate).putInt(sampleRate * 2).putShort((short) 2).putShort((short) 16);
        out.putInt(0x61746164).putInt(samples.length * 2);
        for (float s : samples) {
            out.putShort((short) Math.round(Math.max(-1f, Math.min(1f, s)) * 32767));
        }
        return out.array();
    }
}
