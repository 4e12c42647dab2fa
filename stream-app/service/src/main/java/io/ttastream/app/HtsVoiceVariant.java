package io.ttastream.app;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A new synthetic speaker made from an HTS voice file (festival's {@code cmu_us_slt_arctic_hts}): the same
 * models with another all-pass constant, which warps the frequency axis of every spectral envelope the vocoder
 * draws (formants move up or down, like a longer or shorter vocal tract), and every log-F0 mean shifted, which
 * scales the pitch. Debian has one HTS voice, so this is how the training corpus gets more natural-sounding
 * speakers than its handful of flite and festival voices.
 *
 * <p>The file format (hts_engine API 1.x "htsvoice"): a text header ending in {@code [DATA]\n}, then binary
 * sections whose byte ranges the header's {@code [POSITION]} part gives relative to the data. The LF0 stream's
 * PDF section holds one little-endian uint32 count of PDFs per state, then each PDF as floats: the means of
 * log F0 and its dynamic features, their variances, and the voicing weight. Only the static mean (the first
 * float of each PDF) moves; a constant shift leaves the deltas, variances and global variance as they are.
 *
 * @param alpha   the all-pass constant the vocoder uses (the voice was trained with {@link #BASE_VOICE}'s 0.45)
 * @param f0Ratio the factor every F0 is multiplied by
 */
record HtsVoiceVariant(double alpha, double f0Ratio) {
    /** Debian's festvox-us-slt-hts: a female American voice, 32 kHz. */
    static final Path BASE_VOICE =
            Path.of("/usr/share/festival/voices/us/cmu_us_slt_arctic_hts/hts/cmu_us_slt_arctic_hts.htsvoice");

    private static final byte[] DATA_MARKER = "[DATA]\n".getBytes(StandardCharsets.US_ASCII);
    private static final Pattern ALPHA = Pattern.compile("ALPHA=[0-9.]+");
    private static final Pattern LF0_PDF = Pattern.compile("STREAM_PDF\\[LF0\\]:(\\d+)-(\\d+)");
    private static final Pattern STATES = Pattern.compile("NUM_STATES:(\\d+)");
    private static final Pattern LF0_WINDOWS = Pattern.compile("NUM_WINDOWS\\[LF0\\]:(\\d+)");

    HtsVoiceVariant {
        if (!(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("all-pass constant " + alpha + " outside (0, 1)");
        }
        if (!(f0Ratio >= 0.25 && f0Ratio <= 4)) {
            throw new IllegalArgumentException("F0 ratio " + f0Ratio + " outside [0.25, 4]");
        }
    }

    /** Parses the name of an {@code hts:ALPHA/F0RATIO} voice, e.g. {@code 0.40/0.60}. */
    static HtsVoiceVariant parse(String name) {
        String[] parts = name.split("/");
        try {
            if (parts.length == 2) {
                return new HtsVoiceVariant(Double.parseDouble(parts[0]), Double.parseDouble(parts[1]));
            }
        } catch (NumberFormatException e) {
            // reported below with the expected form
        }
        throw new IllegalArgumentException("HTS voice '" + name + "' must be ALPHA/F0RATIO, e.g. hts:0.40/0.60 (festival's"
                + " slt HTS voice with all-pass constant 0.40 and its pitch times 0.6)");
    }

    /** The variant of {@link #BASE_VOICE}, written into {@code dir} once and reused. */
    Path materialize(Path dir) throws IOException {
        Path file = dir.resolve(String.format(Locale.ROOT, "slt-alpha%.3f-f0x%.3f.htsvoice", alpha, f0Ratio));
        synchronized (HtsVoiceVariant.class) {
            if (!Files.isRegularFile(file)) {
                if (!Files.isRegularFile(BASE_VOICE)) {
                    throw new IOException(BASE_VOICE + " not found (apt-get install festival festvox-us-slt-hts)");
                }
                Path partial = Files.createTempFile(dir, "partial", ".htsvoice");
                Files.write(partial, derive(Files.readAllBytes(BASE_VOICE)));
                Files.move(partial, file);
            }
        }
        return file;
    }

    /** The voice file with this variant's all-pass constant and every static log-F0 mean shifted by ln(f0Ratio). */
    byte[] derive(byte[] voice) {
        int dataStart = indexOf(voice, DATA_MARKER) + DATA_MARKER.length;
        if (dataStart < DATA_MARKER.length) {
            throw new IllegalArgumentException("not an htsvoice file: no [DATA] section");
        }
        String header = new String(voice, 0, dataStart, StandardCharsets.US_ASCII);
        Matcher alphaOption = ALPHA.matcher(header);
        Matcher lf0 = LF0_PDF.matcher(header);
        Matcher states = STATES.matcher(header);
        Matcher windows = LF0_WINDOWS.matcher(header);
        if (!alphaOption.find() || !lf0.find() || !states.find() || !windows.find()) {
            throw new IllegalArgumentException("htsvoice header lacks ALPHA, STREAM_PDF[LF0], NUM_STATES or NUM_WINDOWS[LF0]");
        }
        byte[] body = Arrays.copyOfRange(voice, dataStart, voice.length);
        ByteBuffer data = ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN);
        int start = Integer.parseInt(lf0.group(1));
        int end = Integer.parseInt(lf0.group(2)) + 1;
        int stateCount = Integer.parseInt(states.group(1));
        // Means and variances of log F0 and its dynamic features, then the voicing weight (an MSD stream).
        int floatsPerPdf = 2 * Integer.parseInt(windows.group(1)) + 1;
        long pdfCount = 0;
        for (int s = 0; s < stateCount; s++) {
            pdfCount += Integer.toUnsignedLong(data.getInt(start + 4 * s));
        }
        if (4L * stateCount + 4L * floatsPerPdf * pdfCount != end - start) {
            throw new IllegalArgumentException("the LF0 PDF section is " + (end - start) + " bytes, not the "
                    + (4L * stateCount + 4L * floatsPerPdf * pdfCount) + " its " + pdfCount + " PDFs need");
        }
        float shift = (float) Math.log(f0Ratio);
        for (long p = 0; p < pdfCount; p++) {
            int at = (int) (start + 4L * stateCount + 4L * floatsPerPdf * p);
            data.putFloat(at, data.getFloat(at) + shift);
        }
        String newHeader = alphaOption.replaceFirst(String.format(Locale.ROOT, "ALPHA=%.3f", alpha));
        byte[] headerBytes = newHeader.getBytes(StandardCharsets.US_ASCII);
        byte[] result = Arrays.copyOf(headerBytes, headerBytes.length + body.length);
        System.arraycopy(body, 0, result, headerBytes.length, body.length);
        return result;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
