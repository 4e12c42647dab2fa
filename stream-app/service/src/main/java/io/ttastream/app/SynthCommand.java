package io.ttastream.app;

import io.ttastream.adaptation.metrics.ErrorRate;
import io.ttastream.asr.audio.AudioLoader;
import io.ttastream.asr.audio.Resampler;
import io.ttastream.asr.audio.WavDecoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Speaks sentences with text-to-speech engines to make a training corpus: each sentence
 * gets one voice (cycling through the list) with a seeded random speed (and pitch, for espeak-ng).
 * The held-out voices speak a separate set of sentences and never appear in the training manifest.
 * Engines: Debian's espeak-ng (formant synthesis), flite (CMU voices) and festival (diphone and HTS voices, and its
 * Italian, Czech and Finnish diphone voices and Russian unit-selection voice speaking English through a phone
 * mapping, {@code accent.scm}), and GnuSpeech (articulatory synthesis, from npm, run in node).
 */
@Command(name = "synth", mixinStandardHelpOptions = true,
        description = "Synthesise a speech corpus (16 kHz WAV + manifests) with espeak-ng, flite, festival and GnuSpeech voices.")
final class SynthCommand implements Callable<Integer> {

    /**
     * A voice: engine and name, e.g. espeak:en-us+m3, flite:slt, festival:kal_diphone, hts:0.40/0.60 (festival's
     * slt HTS voice made into another speaker, {@link HtsVoiceVariant}), or accent:pc_diphone (an Italian speaker
     * saying English, {@link #ACCENT_LANGUAGES}; accent:czech_dita/1.70 at 1.7 times kal's pitch, {@link AccentVoice}),
     * or warp:rms/0.90 (flite's rms played 0.9 times as fast, {@link WarpVoice}), or gnuspeech:male/18.0
     * (GnuSpeech's articulatory synthesizer, its male preset with an 18 cm vocal tract, {@link GnuSpeechVoice}).
     */
    record Voice(String engine, String name) {
        static Voice parse(String spec) {
            int colon = spec.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("voice '" + spec + "' must be engine:name, e.g. espeak:en-us+f2, flite:slt or festival:kal_diphone");
            }
            Voice voice = new Voice(spec.substring(0, colon), spec.substring(colon + 1));
            if (voice.engine().equals("hts")) {
                HtsVoiceVariant.parse(voice.name()); // a malformed variant fails before any synthesis
            }
            if (voice.engine().equals("warp")) {
                WarpVoice.parse(voice.name());
            }
            if (voice.engine().equals("accent")) {
                AccentVoice.parse(voice.name());
            }
            if (voice.engine().equals("gnuspeech")) {
                GnuSpeechVoice.parse(voice.name());
            }
            return voice;
        }

        String fileTag() {
            return (engine + "-" + name).replaceAll("[^A-Za-z0-9-]", "_");
        }
    }

    static final String DEFAULT_VOICES = "espeak:en-us,espeak:en-us+m2,espeak:en-us+f2,espeak:en-us+m4,"
            + "espeak:en-gb,espeak:en-gb+f3,espeak:en-gb-x-rp+m3,espeak:en-gb-scotland,espeak:en-gb-scotland+f1,"
            + "espeak:en-029,espeak:en-029+f4,espeak:en-gb-x-gbcwmd+m5,flite:kal16,flite:slt,flite:rms";
    /**
     * The festival voices of other languages that {@code accent.scm} makes speak English, and their languages: Debian's
     * festvox-italp16k, festvox-itapc16k, festvox-czech-dita, festvox-czech-machac, festvox-czech-ph,
     * festvox-czech-krb (a boy), festvox-suopuhe-mv, festvox-hi-nsk (a man; festvox-mr-nsk and festvox-te-nsk hold
     * the same recordings) and festvox-ru (msu_ru_nsh_clunits, a man's recordings for unit selection:
     * {@link #UNIT_SELECTION_VOICES}). Its Finnish female voice, suo_fi_lj_diphone, lacks one in eight of the diphones
     * English needs (silence takes their place) and is left out.
     */
    static final Map<String, String> ACCENT_LANGUAGES = Map.of("pc_diphone", "italian", "lp_diphone", "italian",
            "czech_dita", "czech", "czech_machac", "czech", "czech_ph", "czech", "czech_krb", "czech",
            "hy_fi_mv_diphone", "finnish", "msu_ru_nsh_clunits", "russian", "hindi_NSK_diphone", "hindi");

    /** Accent voices that join recorded phones as they were spoken: their own durations and pitch, no F0RATIO. */
    static final Set<String> UNIT_SELECTION_VOICES = Set.of("msu_ru_nsh_clunits");

    /**
     * An accent: voice's name, VOICE or VOICE/F0RATIO: one of {@link #ACCENT_LANGUAGES}, and the factor (0.50-2.50,
     * at most two decimals; 1 when left out) its pitch targets are kal_diphone's times. kal is a man, so a woman or
     * a child speaks at their own pitch with a factor of about 1.7 or 2.2.
     */
    record AccentVoice(String voice, double f0Ratio) {
        static AccentVoice parse(String name) {
            int slash = name.indexOf('/');
            String voice = slash < 0 ? name : name.substring(0, slash);
            if (!ACCENT_LANGUAGES.containsKey(voice)) {
                throw new IllegalArgumentException("accent voice '" + voice + "' is not one of "
                        + new TreeSet<>(ACCENT_LANGUAGES.keySet()));
            }
            if (slash >= 0 && UNIT_SELECTION_VOICES.contains(voice)) {
                throw new IllegalArgumentException("accent voice '" + name + "' keeps its recordings' pitch: it takes no F0RATIO");
            }
            double f0Ratio = slash < 0 ? 1 : factor(name, name.substring(slash + 1), 0.5, 2.5,
                    "accent voice '" + name + "' must be VOICE or VOICE/F0RATIO, e.g. czech_dita/1.70");
            return new AccentVoice(voice, f0Ratio);
        }

        String language() {
            return ACCENT_LANGUAGES.get(voice);
        }
    }

    /**
     * A warp: voice's name, FLITE_VOICE/FACTOR with FACTOR in [0.80, 1.25] and at most two decimals (so the
     * resampling ratio stays a small fraction). Speeding a recording up by f scales every frequency by f, as a
     * vocal tract f times shorter would: the speed perturbation of Ko et al. (2015), here to make new speakers.
     */
    record WarpVoice(String fliteVoice, double speed) {
        static WarpVoice parse(String name) {
            int slash = name.indexOf('/');
            String usage = "warp voice '" + name + "' must be FLITE_VOICE/FACTOR, e.g. rms/0.90";
            if (slash <= 0) {
                throw new IllegalArgumentException(usage);
            }
            return new WarpVoice(name.substring(0, slash), factor(name, name.substring(slash + 1), 0.8, 1.25, usage));
        }
    }

    /**
     * A gnuspeech: voice's name, PRESET/VOCAL_TRACT_CM: one of GnuSpeech's voice presets ({@link #GNUSPEECH_PRESETS})
     * with its vocal tract made 7.0-20.0 cm long (the presets' own: male 17.5, female 15, large_child 12.5,
     * small_child 10, baby 7.5), which moves every formant; PRESET/SHORTEST-LONGEST (e.g. male/15.0-19.0) draws each
     * utterance's length from that range, so that every utterance is another speaker. Either may end in /SHAPE
     * (0.01-0.30, e.g. male/15.0-19.0/0.20): each utterance then also widens or narrows each of the tract's eight
     * regions and its nasal tract by its own factor within 1 +- SHAPE, which moves the formants unevenly, as another
     * speaker's anatomy (or accent) does. Unlike the other engines' voices (recorded units joined, statistical models
     * of one recorded speaker, formant rules), GnuSpeech simulates a vocal tract, so its speakers differ in the way
     * people do; each utterance also gets its own pitch and breathiness ({@link #synthesize}). The synthesizer runs
     * in node from {@code tools/gnuspeech}.
     */
    record GnuSpeechVoice(String preset, double shortestCm, double longestCm, double shapeSpread) {
        /** speak.mjs's shape factors: the tract's eight regions, glottis to lips, then the nasal tract. */
        static final int SHAPE_FACTORS = 9;

        static GnuSpeechVoice parse(String name) {
            String[] parts = name.split("/", -1);
            String usage = "gnuspeech voice '" + name + "' must be PRESET/VOCAL_TRACT_CM or PRESET/SHORTEST-LONGEST, "
                    + "optionally followed by /SHAPE, e.g. male/18.0, male/15.0-19.0 or male/15.0-19.0/0.20, with PRESET "
                    + "one of " + GNUSPEECH_PRESETS;
            String length = "\\d{1,2}(\\.\\d)?";
            if (parts.length < 2 || parts.length > 3 || !GNUSPEECH_PRESETS.contains(parts[0])
                    || !parts[1].matches(length + "(-" + length + ")?")
                    || (parts.length == 3 && !parts[2].matches("0\\.\\d{1,2}"))) {
                throw new IllegalArgumentException(usage);
            }
            String[] range = parts[1].split("-");
            double shortestCm = Double.parseDouble(range[0]);
            double longestCm = Double.parseDouble(range[range.length - 1]);
            if (shortestCm < 7 || longestCm > 20) {
                throw new IllegalArgumentException("vocal tract length of '" + name + "' is outside [7.0, 20.0] cm");
            }
            if (shortestCm > longestCm) {
                throw new IllegalArgumentException("vocal tract range of '" + name + "' runs backwards");
            }
            double shapeSpread = parts.length == 3 ? Double.parseDouble(parts[2]) : 0;
            if (parts.length == 3 && (shapeSpread == 0 || shapeSpread > 0.3)) {
                throw new IllegalArgumentException("tract shape spread of '" + name + "' is outside [0.01, 0.30]");
            }
            return new GnuSpeechVoice(parts[0], shortestCm, longestCm, shapeSpread);
        }

        /**
         * This utterance's vocal tract length in cm, to a tenth, as speak.mjs is given it. A fixed length draws
         * nothing from {@code random}, so corpora spoken before ranges existed come out the same.
         */
        double vocalTractCm(Random random) {
            if (shortestCm == longestCm) {
                return shortestCm;
            }
            return Math.round((shortestCm + (longestCm - shortestCm) * random.nextDouble()) * 10) / 10.0;
        }

        /**
         * This utterance's shape factors, to a hundredth, as speak.mjs's TRACT_SHAPE argument. Without /SHAPE they
         * are all 1 and draw nothing from {@code random}, so corpora spoken before shapes existed come out the same.
         */
        String tractShape(Random random) {
            StringJoiner factors = new StringJoiner(",");
            for (int factor = 0; factor < SHAPE_FACTORS; factor++) {
                double value = shapeSpread == 0 ? 1 : 1 + shapeSpread * (2 * random.nextDouble() - 1);
                factors.add(String.format(Locale.ROOT, "%.2f", value));
            }
            return factors.toString();
        }

        /** tools/gnuspeech, where speak.mjs and its npm package are; the tests name it with -Dtta.gnuspeech. */
        static Path toolDirectory() {
            String configured = System.getProperty("tta.gnuspeech");
            return configured != null ? Path.of(configured) : Home.path("tools", "gnuspeech");
        }
    }

    static final Set<String> GNUSPEECH_PRESETS = new TreeSet<>(Set.of("male", "female", "large_child", "small_child", "baby"));

    static final String DEFAULT_HELD_OUT = "espeak:en-us+f4,espeak:en-gb-x-gbclan+m1,flite:awb";

    @Option(names = "--text", required = true, paramLabel = "FILE", description = "Sentences, one per line.")
    Path text;

    @Option(names = "--voices", paramLabel = "SPEC", description = "Training voices, comma-separated engine:name: "
            + "espeak:VOICE, flite:VOICE, festival:VOICE, hts:ALPHA/F0RATIO (festival's slt HTS voice with another "
            + "all-pass constant, which moves its formants, and its pitch scaled; the voice's own is hts:0.45/1), or "
            + "accent:VOICE or accent:VOICE/F0RATIO (an Italian, Czech, Finnish, Hindi or Russian festival voice speaking "
            + "English: pc_diphone, lp_diphone, czech_dita, czech_machac, czech_ph, czech_krb, hy_fi_mv_diphone, "
            + "hindi_NSK_diphone, msu_ru_nsh_clunits; its pitch F0RATIO times kal_diphone's, 0.50-2.50, except for "
            + "the Russian unit-selection voice, which keeps its recordings' pitch and timing), or warp:VOICE/FACTOR (a flite voice played "
            + "FACTOR times as fast, 0.80-1.25: pitch, formants and tempo scale together, like another speaker's vocal tract), "
            + "or gnuspeech:PRESET/VOCAL_TRACT_CM (GnuSpeech's articulatory synthesizer: preset male, female, large_child, "
            + "small_child or baby with a 7.0-20.0 cm vocal tract, or PRESET/SHORTEST-LONGEST for a length drawn per "
            + "utterance, either optionally ending in /SHAPE, 0.01-0.30, for each of the tract's eight regions and its nasal "
            + "tract widened or narrowed per utterance by a factor within 1 +- SHAPE; each utterance gets its own pitch, within 2 semitones "
            + "of the preset's, and breathiness; needs node and `npm ci --prefix tools/gnuspeech`). "
            + "Default: a mix of espeak-ng and flite voices.")
    String voices = DEFAULT_VOICES;

    @Option(names = "--held-out", paramLabel = "SPEC", description = "Voices kept out of training, for the held-out test set.")
    String heldOut = DEFAULT_HELD_OUT;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
    Path out;

    @Option(names = "--count", description = "Training utterances. Default: ${DEFAULT-VALUE}.")
    int count = 2000;

    @Option(names = "--held-out-count",
            description = "Held-out utterances (0: no held-out set), all in heldout.tsv; their second half is also"
                    + " dev.tsv, for validation and tuning, so the first half stays the test set. Default: ${DEFAULT-VALUE}.")
    int heldOutCount = 200;

    @Option(names = "--max-chars", description = "Skip longer sentences. Default: ${DEFAULT-VALUE}.")
    int maxChars = 160;

    @Option(names = "--seed", description = "Seed for sentence order, speed and pitch. Default: ${DEFAULT-VALUE}.")
    long seed = 1;

    @Option(names = "--exclude", split = ",", paramLabel = "MANIFEST",
            description = "Manifests (TSV: file, transcript) whose sentences this corpus must not speak, e.g. another"
                    + " corpus's held-out set, so that a new training corpus never trains on a test sentence.")
    List<Path> exclude = List.of();

    @Option(names = "--resume", description = "Keep the WAV files already in --out and speak only the missing ones:"
            + " picks up a run with the same options that was stopped (every utterance's audio depends only on the"
            + " options and its number, and a file appears only once it is complete).")
    boolean resume;

    @Option(names = "--jobs", description = "Parallel synthesis processes. Default: all cores.")
    int jobs = Runtime.getRuntime().availableProcessors();

    /** Where this run writes the HTS voice files of its hts: voices and accent.scm (deleted at the end). */
    private Path scratch;

    @Override
    public Integer call() throws Exception {
        Set<String> excluded = new HashSet<>();
        for (Path manifest : exclude) {
            for (String line : Files.readAllLines(manifest, StandardCharsets.UTF_8)) {
                int tab = line.indexOf('\t');
                if (tab >= 0) {
                    excluded.add(line.substring(tab + 1));
                }
            }
        }
        List<String> sentences = usableSentences(Files.readAllLines(text, StandardCharsets.UTF_8), maxChars, excluded);
        java.util.Collections.shuffle(sentences, new Random(seed));
        if (sentences.size() < count + heldOutCount) {
            throw new IllegalArgumentException("only " + sentences.size() + " usable sentences for "
                    + (count + heldOutCount) + " utterances");
        }
        Files.createDirectories(out.resolve("wav"));
        scratch = Files.createTempDirectory("tta-synth");
        writeAccentScript(scratch);
        List<Voice> trainVoices = parseVoices(voices);
        List<Voice> testVoices = parseVoices(heldOut);
        System.err.printf("synth: %d training utterances (%d voices), %d held-out (%d voices) -> %s%n", count,
                trainVoices.size(), heldOutCount, testVoices.size(), out);
        try {
            write("train.tsv", sentences.subList(0, count), trainVoices, 0);
            if (heldOutCount > 0) {
                write("heldout.tsv", sentences.subList(count, count + heldOutCount), testVoices, count);
                writeDevelopmentHalf();
            }
        } finally {
            try (var files = Files.list(scratch)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
            Files.delete(scratch);
        }
        return 0;
    }

    /**
     * The second half of the held-out set, as {@code dev.tsv}: for validation during training and for tuning decoders,
     * so that the first half stays a test set nothing was chosen on (the model card's held-out numbers).
     */
    private void writeDevelopmentHalf() throws IOException {
        List<String> heldOutLines = Files.readAllLines(out.resolve("heldout.tsv"), StandardCharsets.UTF_8);
        List<String> secondHalf = heldOutLines.subList(heldOutLines.size() / 2, heldOutLines.size());
        Files.write(out.resolve("dev.tsv"), secondHalf, StandardCharsets.UTF_8);
    }

    /**
     * The lines worth speaking: at most maxChars long, only letters and punctuation (digits and symbols are read
     * out in ways the reference cannot spell), and not one of the excluded transcripts (compared normalised, as
     * manifests store them).
     */
    static List<String> usableSentences(List<String> lines, int maxChars, Set<String> excludedTranscripts) {
        List<String> sentences = new ArrayList<>();
        for (String line : lines) {
            if (!line.isBlank() && line.length() <= maxChars && line.matches("[A-Za-z ,.;:'\"!?()-]+")
                    && !excludedTranscripts.contains(ErrorRate.normalize(line))) {
                sentences.add(line.trim());
            }
        }
        return sentences;
    }

    private static List<Voice> parseVoices(String spec) {
        List<Voice> list = new ArrayList<>();
        for (String v : spec.split(",")) {
            list.add(Voice.parse(v.trim()));
        }
        return list;
    }

    private void write(String manifestName, List<String> texts, List<Voice> voiceList, int offset) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(jobs);
        List<Future<String>> lines = new ArrayList<>();
        AtomicInteger done = new AtomicInteger();
        for (int i = 0; i < texts.size(); i++) {
            int id = offset + i;
            String sentence = texts.get(i);
            Voice voice = voiceList.get(i % voiceList.size());
            Random random = new Random(seed * 7919 + id);
            lines.add(pool.submit(() -> {
                String file = String.format("wav/%06d-%s.wav", id, voice.fileTag());
                if (!(resume && Files.isRegularFile(out.resolve(file)))) {
                    synthesize(voice, sentence, out.resolve(file), random, scratch);
                }
                int n = done.incrementAndGet();
                if (n % 50 == 0 || n == texts.size()) {
                    System.err.printf("\rsynth %s: %d/%d", manifestName, n, texts.size());
                }
                return file + "\t" + ErrorRate.normalize(sentence);
            }));
        }
        StringBuilder manifest = new StringBuilder();
        for (Future<String> line : lines) {
            manifest.append(line.get()).append('\n');
        }
        pool.shutdown();
        pool.awaitTermination(1, TimeUnit.MINUTES);
        Files.writeString(out.resolve(manifestName), manifest.toString(), StandardCharsets.UTF_8);
        System.err.println();
    }

    /**
     * Runs the engine, then resamples its output to 16 kHz mono PCM16. hts: voice files are written to scratch,
     * where accent: voices find accent.scm.
     */
    static void synthesize(Voice voice, String sentence, Path wav, Random random, Path scratch)
            throws IOException, InterruptedException {
        Path raw = Files.createTempFile("tta-synth", ".wav");
        Path text = Files.createTempFile("tta-synth", ".txt");
        WarpVoice warp = voice.engine().equals("warp") ? WarpVoice.parse(voice.name()) : null;
        try {
            Files.writeString(text, sentence, StandardCharsets.UTF_8);
            List<String> command = switch (voice.engine()) {
                case "espeak" -> List.of("espeak-ng", "-v", voice.name(), "-s", Integer.toString(130 + random.nextInt(60)),
                        "-p", Integer.toString(30 + random.nextInt(40)), "-w", raw.toString(), sentence);
                case "flite", "warp" -> List.of("flite", "-voice", warp == null ? voice.name() : warp.fliteVoice(),
                        "--setf", "duration_stretch=" + durationStretch(random), "-t", sentence, "-o", raw.toString());
                case "festival" -> List.of("text2wave", "-eval", "(voice_" + voice.name() + ")",
                        "-eval", "(Parameter.set 'Duration_Stretch " + durationStretch(random) + ")",
                        "-o", raw.toString(), text.toString());
                // The slt HTS voice, then its engine parameters (those of the voice's own definition) with the
                // variant's voice file in place of the original and a speaking rate: HTS voices ignore festival's
                // Duration_Stretch.
                case "hts" -> List.of("text2wave", "-eval", "(voice_cmu_us_slt_arctic_hts)",
                        "-eval", "(set! hts_engine_params (list (list \"-m\" \""
                                + HtsVoiceVariant.parse(voice.name()).materialize(scratch)
                                + "\") '(\"-g\" 0.0) '(\"-b\" 0.0) '(\"-u\" 0.5) '(\"-r\" "
                                + String.format(Locale.ROOT, "%.3f", 1 / Double.parseDouble(durationStretch(random)))
                                + ")))",
                        "-o", raw.toString(), text.toString());
                // A Scheme string: the sentence's double quotes go (usable sentences have no backslash).
                case "accent" -> {
                    AccentVoice accent = AccentVoice.parse(voice.name());
                    yield List.of("festival", "-b", scratch.resolve("accent.scm").toString(),
                            String.format(Locale.ROOT, "(accent-say \"%s\" '%s \"%s\" %s %.2f \"%s\")", accent.voice(),
                                    accent.language(), sentence.replace("\"", ""), durationStretch(random),
                                    accent.f0Ratio(), raw));
                }
                case "gnuspeech" -> {
                    GnuSpeechVoice speaker = GnuSpeechVoice.parse(voice.name());
                    Path tool = GnuSpeechVoice.toolDirectory();
                    yield List.of("node", tool.resolve("speak.mjs").toString(), speaker.preset(),
                            String.format(Locale.ROOT, "%.1f", speaker.vocalTractCm(random)), speaker.tractShape(random),
                            String.format(Locale.ROOT, "%.2f", 4 * random.nextDouble() - 2),
                            String.format(Locale.ROOT, "%.2f", 0.5 + 1.5 * random.nextDouble()),
                            String.format(Locale.ROOT, "%.3f", 1 / Double.parseDouble(durationStretch(random))),
                            Integer.toUnsignedString(random.nextInt()), text.toString(), raw.toString());
                }
                default -> throw new IllegalArgumentException("unknown engine '" + voice.engine()
                        + "' (espeak, flite, festival, hts, accent, warp, gnuspeech)");
            };
            Process process;
            try {
                process = new ProcessBuilder(command).redirectErrorStream(true).start();
            } catch (IOException notInstalled) {
                throw new IOException(notInstalled.getMessage() + " (install the engine: " + installHint(voice) + ")");
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.waitFor() != 0 || Files.size(raw) < 100) {
                throw new IOException(String.join(" ", command) + " failed: " + output.strip()
                        + " (install the engine: " + installHint(voice) + ")");
            }
            float[] audio = AudioLoader.load16k(raw);
            if (warp != null) {
                // Read as if recorded at 16 kHz x factor, then brought back to 16 kHz: factor times as fast.
                audio = Resampler.resample(audio, (int) Math.round(16000 * warp.speed()), 16000);
            }
            // Written beside and then renamed, so that a stopped run leaves no truncated file for --resume to keep.
            Path part = wav.resolveSibling(wav.getFileName() + ".part");
            Files.write(part, WavDecoder.encodePcm16(audio, 16000));
            Files.move(part, wav, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(raw);
            Files.deleteIfExists(text);
        }
    }

    /** What to install for a voice's engine, for the error when it cannot run. */
    private static String installHint(Voice voice) {
        return switch (voice.engine()) {
            case "gnuspeech" -> "apt-get install nodejs npm; npm ci --prefix " + GnuSpeechVoice.toolDirectory();
            case "accent" -> "apt-get install festival festvox-kallpc16k festvox-italp16k festvox-itapc16k"
                    + " festvox-czech-dita festvox-czech-machac festvox-czech-ph festvox-czech-krb festvox-suopuhe-mv festvox-hi-nsk festvox-ru";
            default -> "apt-get install espeak-ng flite festival festvox-kallpc16k festvox-kdlpc16k festvox-us-slt-hts";
        };
    }

    /** Puts accent.scm, which accent: voices run, into the scratch folder {@link #synthesize} is given. */
    static void writeAccentScript(Path scratch) throws IOException {
        try (var script = SynthCommand.class.getResourceAsStream("accent.scm")) {
            Files.copy(script, scratch.resolve("accent.scm"));
        }
    }

    /** A voice name's factor: a decimal with at most two places, in [min, max]; else the usage line. */
    private static double factor(String name, String text, double min, double max, String usage) {
        if (!text.matches("\\d(\\.\\d{1,2})?")) {
            throw new IllegalArgumentException(usage);
        }
        double factor = Double.parseDouble(text);
        if (factor < min || factor > max) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "factor %s of '%s' is outside [%.2f, %.2f]",
                    text, name, min, max));
        }
        return factor;
    }

    /** A seeded random duration factor in [0.85, 1.15] for flite and festival (espeak-ng takes a rate instead). */
    private static String durationStretch(Random random) {
        return String.format(Locale.ROOT, "%.2f", 0.85 + 0.3 * random.nextDouble());
    }
}
