package io.ttastream.app;

import io.ttastream.adaptation.metrics.ErrorRate;
import io.ttastream.asr.audio.AudioLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.DoubleSummaryStatistics;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class SynthCommandTest {
    @TempDir
    Path dir;

    @Test
    void usableSentencesDropLongOnesDigitsAndExcludedTranscripts() {
        List<String> lines = List.of(
                "The presidential vehicle, in use in Dallas.",
                "It cost 300 dollars.",
                "",
                "A sentence that is far too long for the limit given here.",
                "Whose admonition it was intended.  ");
        Set<String> heldOut = Set.of(ErrorRate.normalize("the presidential vehicle in use in dallas"));

        assertEquals(List.of("Whose admonition it was intended."),
                SynthCommand.usableSentences(lines, 45, heldOut));
        assertEquals(List.of("The presidential vehicle, in use in Dallas.", "Whose admonition it was intended."),
                SynthCommand.usableSentences(lines, 45, Set.of()));
    }

    @Test
    void anAccentVoiceOutsideTheListIsRefusedNamingTheOnesThereAre() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> SynthCommand.Voice.parse("accent:kal_diphone"));
        assertTrue(error.getMessage().contains("czech_dita") && error.getMessage().contains("pc_diphone"),
                error.getMessage());
    }

    @Test
    void anAccentVoiceMayNameAPitchFactorBetweenOneHalfAndFiveHalves() {
        assertEquals(new SynthCommand.AccentVoice("czech_dita", 1.7), SynthCommand.AccentVoice.parse("czech_dita/1.70"));
        assertEquals(new SynthCommand.AccentVoice("pc_diphone", 1.0), SynthCommand.AccentVoice.parse("pc_diphone"));
        assertEquals("czech", SynthCommand.AccentVoice.parse("czech_krb/2.2").language());
        for (String bad : List.of("czech_dita/", "czech_dita/0.45", "czech_dita/2.6", "czech_dita/1.705", "czech_dita/high",
                "msu_ru_nsh_clunits/1.20")) {
            var error = assertThrows(IllegalArgumentException.class, () -> SynthCommand.Voice.parse("accent:" + bad));
            assertTrue(error.getMessage().contains(bad), error.getMessage());
        }
    }

    /** Says the sentence with the voice (engine:name) and a seeded random into a WAV file in dir, and reads it back. */
    static float[] speak(String voice, String sentence, long seed, Path dir) throws Exception {
        Path wav = dir.resolve(voice.replaceAll("[^A-Za-z0-9]", "_") + ".wav");
        SynthCommand.synthesize(SynthCommand.Voice.parse(voice), sentence, wav, new Random(seed), dir);
        return AudioLoader.load16k(wav);
    }

    private static double rms(float[] samples) {
        double sum = 0;
        for (float s : samples) {
            sum += s * s;
        }
        return Math.sqrt(sum / samples.length);
    }

    /**
     * Each diphone accent voice says the sentence with kal_diphone's timing (its durations go through the phone
     * mapping unchanged), so its audio lasts about as long as kal_diphone's own; the unit-selection voice keeps its
     * recordings' durations, within a factor of 1.6 either way. And it is speech, not silence: a voice missing most of
     * the phones the mapping asks for would come out as the silence that takes their place.
     */
    @Test
    void accentVoicesSayAnEnglishSentenceWithKalDiphonesTiming() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/festival"))
                        && Files.isDirectory(Path.of("/usr/share/festival/voices/english/kal_diphone")),
                "festival and festvox-kallpc16k are not installed");
        String sentence = "The \"prisoner\" was led into the court by two warders.";
        float[] reference = speak("festival:kal_diphone", sentence, 7, dir);
        SynthCommand.writeAccentScript(dir);
        int voicesTried = 0;
        for (var voice : SynthCommand.ACCENT_LANGUAGES.entrySet()) {
            if (!Files.isDirectory(Path.of("/usr/share/festival/voices", voice.getValue(), voice.getKey()))) {
                continue; // that voice's Debian package is not installed
            }
            voicesTried++;
            float[] audio = speak("accent:" + voice.getKey(), sentence, 7, dir);
            double lengthRatio = audio.length / (double) reference.length;
            double tolerance = SynthCommand.UNIT_SELECTION_VOICES.contains(voice.getKey()) ? 1.6 : 1.15;
            assertTrue(lengthRatio > 1 / tolerance && lengthRatio < tolerance, voice.getKey() + ": " + lengthRatio + " of kal's length");
            assertTrue(rms(audio) > 0.1 * rms(reference), voice.getKey() + " is (almost) silent");
        }
        assumeTrue(voicesTried > 0, "no accent voice installed (apt-get install festvox-itapc16k festvox-czech-dita ...)");
    }

    /** The pitch factor moves only the pitch: the same seed gives the same timing, at 1.7 times the F0. */
    @Test
    void anAccentVoiceWithAPitchFactorSpeaksThatMuchHigher() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/usr/share/festival/voices/czech/czech_dita")),
                "festival and festvox-czech-dita are not installed");
        String sentence = "The prisoner was led into the court by two warders.";
        SynthCommand.writeAccentScript(dir);
        float[] reference = speak("accent:czech_dita", sentence, 5, dir);
        float[] audio = speak("accent:czech_dita/1.70", sentence, 5, dir);
        assertEquals(reference.length, audio.length, 0.01 * reference.length);
        assertEquals(1.7, HtsVoiceVariantTest.medianF0(audio) / HtsVoiceVariantTest.medianF0(reference), 0.1, "pitch ratio");
    }

    @Test
    void aWarpVoiceNeedsAFliteVoiceAndAFactorBetweenFourFifthsAndFiveQuarters() {
        assertEquals(new SynthCommand.WarpVoice("rms", 0.9), SynthCommand.WarpVoice.parse("rms/0.90"));
        assertEquals(new SynthCommand.WarpVoice("slt", 1.25), SynthCommand.WarpVoice.parse("slt/1.25"));
        for (String bad : List.of("rms", "rms/", "/0.9", "rms/0.79", "rms/1.3", "rms/0.905", "rms/fast")) {
            var error = assertThrows(IllegalArgumentException.class, () -> SynthCommand.Voice.parse("warp:" + bad));
            assertTrue(error.getMessage().contains(bad), error.getMessage());
        }
    }

    /** A warp at 0.8 is the same flite utterance (same seed, so same speaking rate) a quarter longer and lower. */
    @Test
    void aWarpVoiceIsItsFliteVoicePlayedFactorTimesAsFast() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/flite")), "flite is not installed");
        String sentence = "The prisoner was led into the court by two warders.";
        float[] reference = speak("flite:slt", sentence, 3, dir);
        float[] audio = speak("warp:slt/0.80", sentence, 3, dir);
        assertEquals(Math.ceil(reference.length / 0.8), audio.length, 1.0);
        assertEquals(0.8, HtsVoiceVariantTest.medianF0(audio) / HtsVoiceVariantTest.medianF0(reference), 0.05, "pitch ratio");
        assertTrue(rms(audio) > 0.9 * rms(reference) && rms(audio) < 1.1 * rms(reference), "loudness kept");
    }

    @Test
    void aGnuSpeechVoiceNeedsAPresetAndAVocalTractOfSevenToTwentyCentimetres() {
        assertEquals(new SynthCommand.GnuSpeechVoice("male", 18, 18, 0), SynthCommand.GnuSpeechVoice.parse("male/18.0"));
        assertEquals(new SynthCommand.GnuSpeechVoice("baby", 7.5, 7.5, 0), SynthCommand.GnuSpeechVoice.parse("baby/7.5"));
        assertEquals(new SynthCommand.GnuSpeechVoice("female", 13.5, 17, 0), SynthCommand.GnuSpeechVoice.parse("female/13.5-17"));
        assertEquals(new SynthCommand.GnuSpeechVoice("male", 15, 19, 0.2), SynthCommand.GnuSpeechVoice.parse("male/15-19/0.20"));
        for (String malformed : List.of("male", "male/", "/17.0", "tenor/17.0", "male/17.55", "male/long", "male/15-",
                "male/-19", "male/15-17-19", "male/17.5/", "male/17.5/1", "male/17.5/0.125", "male/17.5/0.2/0.2")) {
            var error = assertThrows(IllegalArgumentException.class, () -> SynthCommand.Voice.parse("gnuspeech:" + malformed));
            assertTrue(error.getMessage().contains(malformed) && error.getMessage().contains("must be"), error.getMessage());
        }
        for (String outOfRange : List.of("male/6.9", "male/20.5", "male/15.0-20.5", "small_child/6.5-11.0", "male/17.5/0.31",
                "male/17.5/0.00")) {
            var error = assertThrows(IllegalArgumentException.class, () -> SynthCommand.Voice.parse("gnuspeech:" + outOfRange));
            assertTrue(error.getMessage().contains(outOfRange) && error.getMessage().contains("outside"), error.getMessage());
        }
        var backwards = assertThrows(IllegalArgumentException.class, () -> SynthCommand.Voice.parse("gnuspeech:male/19-15"));
        assertTrue(backwards.getMessage().contains("backwards"), backwards.getMessage());
    }

    /**
     * A range gives every utterance its own length, to a tenth of a centimetre, spread over the whole range; a fixed
     * length draws no random number, so that the seeded pitch, breathiness and tempo of corpora spoken with fixed
     * lengths stay what they were.
     */
    @Test
    void aGnuSpeechRangeDrawsEachUtterancesVocalTractAndAFixedLengthDrawsNothing() {
        var range = SynthCommand.GnuSpeechVoice.parse("male/15.0-19.0");
        Random random = new Random(7);
        var lengths = new DoubleSummaryStatistics();
        Set<Double> distinct = new HashSet<>();
        for (int utterance = 0; utterance < 400; utterance++) {
            double cm = range.vocalTractCm(random);
            assertEquals(Math.round(cm * 10), cm * 10, 1e-9, "a tenth of a centimetre");
            lengths.accept(cm);
            distinct.add(cm);
        }
        assertTrue(lengths.getMin() >= 15 && lengths.getMin() < 15.2 && lengths.getMax() > 18.8 && lengths.getMax() <= 19
                && distinct.size() > 30, lengths + ", " + distinct.size() + " distinct");

        Random used = new Random(7);
        assertEquals(17.5, SynthCommand.GnuSpeechVoice.parse("male/17.5").vocalTractCm(used));
        assertEquals(new Random(7).nextLong(), used.nextLong(), "a fixed length consumed a random number");
    }

    /**
     * /SHAPE gives every utterance nine factors of its own, to a hundredth, spread over 1 +- SHAPE; without it the
     * factors are all 1 and no random number is drawn, so corpora spoken before shapes existed stay what they were.
     */
    @Test
    void aGnuSpeechShapeDrawsNineFactorsPerUtteranceAndNoShapeDrawsNothing() {
        var shaped = SynthCommand.GnuSpeechVoice.parse("male/17.5/0.20");
        Random random = new Random(11);
        var factors = new DoubleSummaryStatistics();
        Set<String> shapes = new HashSet<>();
        for (int utterance = 0; utterance < 200; utterance++) {
            String shape = shaped.tractShape(random);
            assertTrue(shape.matches("\\d\\.\\d\\d(,\\d\\.\\d\\d){" + (SynthCommand.GnuSpeechVoice.SHAPE_FACTORS - 1) + "}"), shape);
            Stream.of(shape.split(",")).mapToDouble(Double::parseDouble).forEach(factors);
            shapes.add(shape);
        }
        assertTrue(factors.getMin() >= 0.8 && factors.getMin() < 0.81 && factors.getMax() > 1.19 && factors.getMax() <= 1.2,
                factors.toString());
        assertEquals(200, shapes.size(), "every utterance another shape");

        Random used = new Random(11);
        assertEquals("1.00,1.00,1.00,1.00,1.00,1.00,1.00,1.00,1.00",
                SynthCommand.GnuSpeechVoice.parse("male/15.0-19.0").tractShape(used));
        assertEquals(new Random(11).nextLong(), used.nextLong(), "an unshaped voice consumed a random number");
    }

    /**
     * speak.mjs applies TRACT_SHAPE to the voice it speaks with: the same speaker, seed and tempo with narrower lips
     * (region 8 at 0.6) speaks for as long, and lower, as lip rounding lowers the formants; a shape that is not nine
     * positive factors is refused before any synthesis.
     */
    @Test
    void gnuSpeechTractShapeMovesTheFormantsButNotTheTiming() throws Exception {
        Path tool = SynthCommand.GnuSpeechVoice.toolDirectory();
        assumeTrue(onPath("node") && Files.isDirectory(tool.resolve("node_modules/@echogarden/gnuspeech-wasm")),
                "GnuSpeech is not installed (apt-get install nodejs npm; npm ci --prefix tools/gnuspeech)");
        Path text = Files.writeString(dir.resolve("sentence.txt"), "The prisoner was led into the court by two warders.");
        float[] preset = speakMjs(tool, "1,1,1,1,1,1,1,1,1", text, dir.resolve("preset.wav"));
        float[] rounded = speakMjs(tool, "1,1,1,1,1,1,1,0.6,1", text, dir.resolve("rounded.wav"));
        assertEquals(preset.length, rounded.length, "same seed and tempo");
        double ratio = rmsFrequency(rounded) / rmsFrequency(preset);
        assertTrue(ratio < 0.98, "RMS frequency ratio " + ratio);

        Process refused = new ProcessBuilder("node", tool.resolve("speak.mjs").toString(), "male", "17.5", "1,1", "0",
                "1", "1", "3", text.toString(), dir.resolve("refused.wav").toString()).redirectErrorStream(true).start();
        String message = new String(refused.getInputStream().readAllBytes());
        assertEquals(2, refused.waitFor(), message);
        assertTrue(message.contains("TRACT_SHAPE '1,1' is not nine positive factors"), message);
        assertFalse(Files.exists(dir.resolve("refused.wav")));
    }

    private static float[] speakMjs(Path tool, String tractShape, Path text, Path wav) throws Exception {
        Process process = new ProcessBuilder("node", tool.resolve("speak.mjs").toString(), "male", "17.5", tractShape,
                "0", "1", "1", "3", text.toString(), wav.toString()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertEquals(0, process.waitFor(), output);
        return AudioLoader.load16k(wav);
    }

    /**
     * The same seed gives the same audio (what --resume needs, though GnuSpeech draws random intonation), and a
     * vocal tract 14/17.5 as long raises the formants by 17.5/14, at the same pitch: the signal's RMS frequency at
     * 16 kHz, which the unmoved glottal harmonics hold back, rises by more than 5% and at most that much.
     */
    @Test
    void aGnuSpeechVoiceIsRepeatableAndAShorterVocalTractSpeaksHigher() throws Exception {
        Path tool = SynthCommand.GnuSpeechVoice.toolDirectory();
        assumeTrue(onPath("node") && Files.isDirectory(tool.resolve("node_modules/@echogarden/gnuspeech-wasm")),
                "GnuSpeech is not installed (apt-get install nodejs npm; npm ci --prefix tools/gnuspeech)");
        String sentence = "The prisoner was led into the court by two warders.";
        float[] audio = speak("gnuspeech:male/17.5", sentence, 3, dir);
        assertArrayEquals(audio, speak("gnuspeech:male/17.5", sentence, 3, dir));
        float[] shorter = speak("gnuspeech:male/14.0", sentence, 3, dir);
        assertTrue(audio.length > 16000 * 2 && audio.length < 16000 * 6, "seconds: " + audio.length / 16000.0);
        assertEquals(audio.length, shorter.length, 1600, "same seed, same tempo");
        double ratio = rmsFrequency(shorter) / rmsFrequency(audio);
        assertTrue(ratio > 1.05 && ratio <= 17.5 / 14, "RMS frequency ratio " + ratio);
    }

    private static boolean onPath(String program) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, program)));
    }

    /** sqrt(E[x'^2] / E[x^2]) in Hz: the power spectrum's root mean square frequency, from the samples' differences. */
    private static double rmsFrequency(float[] samples) {
        double slope = 0;
        for (int i = 1; i < samples.length; i++) {
            slope += Math.pow(samples[i] - samples[i - 1], 2);
        }
        return Math.sqrt(slope / samples.length) / rms(samples) * 16000 / (2 * Math.PI);
    }

    /**
     * A resumed run speaks only the missing files, and speaks them as the first run did: a file it kept is left
     * alone (here a marked one), a deleted one comes back byte for byte. Without --resume every file is spoken again.
     */
    @Test
    void aResumedRunSpeaksOnlyTheMissingFilesAndTheyMatchTheFirstRun() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/flite")), "flite is not installed");
        Path text = dir.resolve("sentences.txt");
        Files.write(text, List.of("The prisoner was led into the court.", "He came home late that night.",
                "The rain fell on the roof.", "She wrote a letter to her brother."));
        Path out = dir.resolve("corpus");
        String[] synth = {"synth", "--text", text.toString(), "--out", out.toString(), "--count", "4",
                "--held-out-count", "0", "--voices", "flite:slt,warp:kal/1.10", "--jobs", "2"};
        assertEquals(0, TtaCli.commandLine().execute(synth));
        String manifest = Files.readString(out.resolve("train.tsv"));
        List<Path> wavs;
        try (var files = Files.list(out.resolve("wav"))) {
            wavs = files.sorted().toList();
        }
        assertEquals(4, wavs.size(), wavs.toString());
        byte[] deletedAudio = Files.readAllBytes(wavs.get(0));
        Files.delete(wavs.get(0));
        byte[] marked = {1, 2, 3};
        Files.write(wavs.get(1), marked);

        String[] resumed = Stream.concat(Stream.of(synth), Stream.of("--resume"))
                .toArray(String[]::new);
        assertEquals(0, TtaCli.commandLine().execute(resumed));
        assertArrayEquals(deletedAudio, Files.readAllBytes(wavs.get(0)));
        assertArrayEquals(marked, Files.readAllBytes(wavs.get(1)));
        assertEquals(manifest, Files.readString(out.resolve("train.tsv")));

        assertEquals(0, TtaCli.commandLine().execute(synth));
        assertTrue(Files.size(wavs.get(1)) > 1000, "spoken again without --resume");
    }
}
