package io.ttastream.asr.audio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Decodes RIFF/WAVE files to mono float samples: integer PCM of 8 (unsigned), 16, 24 or 32 bits
 * (format tag 1), IEEE float of 32 or 64 bits (format tag 3), either also wrapped in
 * WAVE_FORMAT_EXTENSIBLE; any channel count, averaged to mono; any sample rate (see
 * {@link Resampler} to change it). Compressed encodings (A-law, mu-law, ADPCM, ...) are refused.
 */
public final class WavDecoder {

    private static final int FORMAT_PCM = 1;
    private static final int FORMAT_IEEE_FLOAT = 3;
    private static final int FORMAT_EXTENSIBLE = 0xFFFE;

    private WavDecoder() {
    }

    /** Reads and decodes a WAV file; errors name the file. */
    public static Audio read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        try {
            return decode(bytes);
        } catch (AudioFormatException e) {
            throw new AudioFormatException(file + ": " + e.getMessage());
        }
    }

    /** Decodes the bytes of a whole WAV file. */
    public static Audio decode(byte[] wav) throws AudioFormatException {
        ByteBuffer b = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
        if (wav.length < 12 || !fourCc(b, 0).equals("RIFF") || !fourCc(b, 8).equals("WAVE")) {
            throw new AudioFormatException("not a RIFF/WAVE file");
        }
        Format format = null;
        int position = 12;
        while (position + 8 <= wav.length) {
            String id = fourCc(b, position);
            long size = b.getInt(position + 4) & 0xffffffffL;
            int body = position + 8;
            if (id.equals("fmt ")) {
                requireWithin(wav, body, size, "fmt chunk");
                format = parseFormat(b, body, (int) size);
            } else if (id.equals("data")) {
                if (format == null) {
                    throw new AudioFormatException("data chunk comes before any fmt chunk");
                }
                requireWithin(wav, body, size, "data chunk");
                // A trailing partial frame (a writer cut off mid-frame) carries no whole sample: drop it.
                int frames = (int) (size / format.frameBytes());
                float[] samples = format.encoding.decodeMono(b, body, frames, format.channels);
                return new Audio(samples, format.sampleRate);
            }
            position = (int) Math.min(Integer.MAX_VALUE, body + size + (size & 1)); // chunks are padded to even sizes
        }
        throw new AudioFormatException(format == null ? "no fmt chunk" : "no data chunk (truncated file?)");
    }

    private record Format(SampleEncoding encoding, int channels, int sampleRate) {
        int frameBytes() {
            return channels * encoding.bytes;
        }
    }

    private static Format parseFormat(ByteBuffer b, int at, int size) throws AudioFormatException {
        if (size < 16) {
            throw new AudioFormatException("fmt chunk of " + size + " bytes is too short");
        }
        int tag = b.getShort(at) & 0xffff;
        int channels = b.getShort(at + 2) & 0xffff;
        int sampleRate = b.getInt(at + 4);
        int bits = b.getShort(at + 14) & 0xffff;
        if (tag == FORMAT_EXTENSIBLE) {
            if (size < 40) {
                throw new AudioFormatException("WAVE_FORMAT_EXTENSIBLE fmt chunk of " + size + " bytes is too short");
            }
            tag = b.getShort(at + 24) & 0xffff; // the sub-format GUID starts with the plain format tag
        }
        if (channels == 0) {
            throw new AudioFormatException("fmt chunk declares 0 channels");
        }
        if (sampleRate <= 0) {
            throw new AudioFormatException("fmt chunk declares sample rate " + sampleRate);
        }
        SampleEncoding encoding = switch (tag) {
            case FORMAT_PCM -> switch (bits) {
                case 8 -> SampleEncoding.PCM_U8;
                case 16 -> SampleEncoding.PCM16;
                case 24 -> SampleEncoding.PCM24;
                case 32 -> SampleEncoding.PCM32;
                default -> throw new AudioFormatException("unsupported PCM sample size of " + bits + " bits");
            };
            case FORMAT_IEEE_FLOAT -> switch (bits) {
                case 32 -> SampleEncoding.FLOAT32;
                case 64 -> SampleEncoding.FLOAT64;
                default -> throw new AudioFormatException("unsupported float sample size of " + bits + " bits");
            };
            default -> throw new AudioFormatException("unsupported WAV encoding " + formatName(tag)
                    + " (supported: PCM and IEEE float)");
        };
        return new Format(encoding, channels, sampleRate);
    }

    private static String formatName(int tag) {
        return switch (tag) {
            case 2 -> "ADPCM (format tag 2)";
            case 6 -> "A-law (format tag 6)";
            case 7 -> "mu-law (format tag 7)";
            case 0x11 -> "IMA ADPCM (format tag 0x11)";
            case 0x55 -> "MP3 (format tag 0x55)";
            default -> String.format("format tag 0x%04x", tag);
        };
    }

    private static void requireWithin(byte[] wav, int body, long size, String what) throws AudioFormatException {
        if (body + size > wav.length) {
            throw new AudioFormatException(what + " declares " + size + " bytes but only " + (wav.length - body)
                    + " remain (truncated file)");
        }
    }

    private static String fourCc(ByteBuffer b, int at) {
        byte[] id = new byte[4];
        b.get(at, id);
        return new String(id, StandardCharsets.US_ASCII);
    }

    /** A mono 16-bit PCM WAV file (the format of the project's data and of speech frames). */
    public static byte[] encodePcm16(float[] samples, int sampleRate) {
        byte[] pcm = Pcm16.encode(samples);
        ByteBuffer out = ByteBuffer.allocate(44 + pcm.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + pcm.length).put("WAVE".getBytes(StandardCharsets.US_ASCII));
        out.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1).putShort((short) 1)
                .putInt(sampleRate).putInt(sampleRate * 2).putShort((short) 2).putShort((short) 16);
        out.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(pcm.length).put(pcm);
        return out.array();
    }
}
