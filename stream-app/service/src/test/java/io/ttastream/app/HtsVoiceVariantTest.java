package io.ttastream.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class HtsVoiceVariantTest {
    @TempDir
    Path dir;

    /** A voice file in the htsvoice layout: 2 states of 2 and 1 LF0 PDFs (7 floats each), after 12 other bytes. */
    private static byte[] tinyVoice(float[][] lf0Pdfs) {
        ByteBuffer data = ByteBuffer.allocate(12 + 8 + 4 * 7 * lf0Pdfs.length).order(ByteOrder.LITTLE_ENDIAN);
        data.put(new byte[]{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
        data.putInt(2).putInt(1);
        for (float[] pdf : lf0Pdfs) {
            for (float v : pdf) {
                data.putFloat(v);
            }
        }
        int end = data.capacity() - 1;
        String header = "[GLOBAL]\nNUM_STATES:2\n[STREAM]\nNUM_WINDOWS[LF0]:3\nOPTION[MCP]:ALPHA=0.45\n[POSITION]\n"
                + "STREAM_PDF[LF0]:12-" + end + "\n[DATA]\n";
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.writeBytes(header.getBytes(StandardCharsets.US_ASCII));
        file.writeBytes(data.array());
        return file.toByteArray();
    }

    private static float[] floatsAfterHeader(byte[] voice, int from, int count) {
        String text = new String(voice, StandardCharsets.US_ASCII);
        int dataStart = text.indexOf("[DATA]\n") + 7;
        ByteBuffer data = ByteBuffer.wrap(voice, dataStart + from, 4 * count).order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = data.getFloat();
        }
        return values;
    }

    @Test
    void shiftsEveryStaticLogF0MeanAndSetsTheAllPassConstantLeavingTheRestAsItWas() {
        float[][] pdfs = {
                {5.0f, 0.1f, -0.2f, 0.3f, 0.4f, 0.5f, 0.9f},
                {5.5f, 0.2f, 0.0f, 0.6f, 0.7f, 0.8f, 0.7f},
                {4.8f, -0.1f, 0.1f, 0.2f, 0.2f, 0.2f, 0.1f}};
        byte[] voice = tinyVoice(pdfs);
        byte[] original = voice.clone();

        byte[] derived = new HtsVoiceVariant(0.38, 0.6).derive(voice);

        assertArrayEquals(original, voice, "the input is left alone");
        String header = new String(derived, StandardCharsets.US_ASCII);
        assertTrue(header.contains("ALPHA=0.380\n") && !header.contains("ALPHA=0.45"), header);
        float[] values = floatsAfterHeader(derived, 20, 7 * pdfs.length);
        for (int p = 0; p < pdfs.length; p++) {
            float[] pdf = Arrays.copyOfRange(values, 7 * p, 7 * p + 7);
            assertEquals(pdfs[p][0] + Math.log(0.6), pdf[0], 1e-6, "log F0 mean of PDF " + p);
            assertArrayEquals(Arrays.copyOfRange(pdfs[p], 1, 7), Arrays.copyOfRange(pdf, 1, 7), "the rest of PDF " + p);
        }
        assertArrayEquals(new byte[]{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12},
                Arrays.copyOfRange(derived, header.indexOf("[DATA]\n") + 7, header.indexOf("[DATA]\n") + 19),
                "bytes before the LF0 section");
    }

    @Test
    void refusesAFileWhoseLf0SectionDoesNotHoldItsPdfsAndMalformedNames() {
        byte[] voice = tinyVoice(new float[][]{{5, 0, 0, 1, 1, 1, 1}, {5, 0, 0, 1, 1, 1, 1}}); // counts say 3 PDFs
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new HtsVoiceVariant(0.4, 0.8).derive(voice));
        assertTrue(e.getMessage().contains("3 PDFs"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new HtsVoiceVariant(0.4, 0.8).derive("no data".getBytes()));

        assertEquals(new HtsVoiceVariant(0.4, 0.6), HtsVoiceVariant.parse("0.40/0.60"));
        for (String bad : List.of("0.4", "0.4/x", "1.2/0.6", "0.4/9")) {
            assertThrows(IllegalArgumentException.class, () -> HtsVoiceVariant.parse(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> SynthCommand.Voice.parse("hts:slt"));
    }

    /** The median pitch of the voiced 64 ms frames, by autocorrelation over 60-400 Hz. */
    static double medianF0(float[] x) {
        List<Double> pitches = new java.util.ArrayList<>();
        for (int start = 0; start + 1024 <= x.length; start += 320) {
            double energy = 0;
            for (int i = 0; i < 1024; i++) {
                energy += x[start + i] * x[start + i];
            }
            if (Math.sqrt(energy / 1024) < 0.02) {
                continue;
            }
            int bestLag = 0;
            double best = 0;
            for (int lag = 16000 / 400; lag <= 16000 / 60; lag++) {
                double r = 0;
                for (int i = 0; i + lag < 1024; i++) {
                    r += x[start + i] * x[start + i + lag];
                }
                if (r > best) {
                    best = r;
                    bestLag = lag;
                }
            }
            if (best > 0.4 * energy) {
                pitches.add(16000.0 / bestLag);
            }
        }
        return pitches.stream().sorted().toList().get(pitches.size() / 2);
    }

    @Test
    void realVariantsOfTheSltVoiceSpeakLowerAndAtTheirRate() throws Exception {
        assumeTrue(Files.isRegularFile(HtsVoiceVariant.BASE_VOICE) && Files.isExecutable(Path.of("/usr/bin/text2wave")),
                "festival's slt HTS voice is not installed (apt-get install festival festvox-us-slt-hts; .ci/run does it)");
        String sentence = "The first born son of the king of Babylon came home.";
        float[] ownAudio = SynthCommandTest.speak("hts:0.45/1", sentence, 3, dir);
        float[] lowerAudio = SynthCommandTest.speak("hts:0.40/0.6", sentence, 3, dir);
        double ratio = medianF0(lowerAudio) / medianF0(ownAudio);
        assertEquals(0.6, ratio, 0.06, "pitch ratio");
        assertEquals(ownAudio.length, lowerAudio.length, 1600, "same seed, same speaking rate");
    }
}
