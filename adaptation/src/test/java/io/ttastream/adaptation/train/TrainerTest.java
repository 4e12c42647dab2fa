package io.ttastream.adaptation.train;

import io.ttastream.adaptation.loss.CtcLoss;
import io.ttastream.adaptation.model.RandomCheckpoint;
import io.ttastream.adaptation.model.Wav2Vec2Model;
import io.ttastream.asr.Checkpoint;
import io.ttastream.asr.HuggingFaceCheckpoints;
import io.ttastream.asr.Vocabulary;
import io.ttastream.asr.audio.FeatureExtractor;
import io.ttastream.kernels.CpuBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The training path end to end on a toy task a small model can learn in seconds: every letter is
 * a tone burst of its own pitch, words are separated by silence.
 */
class TrainerTest {
    private static final CpuBackend BACKEND = new CpuBackend(2);
    private static final Vocabulary VOCAB = Vocabulary.base960h();
    private static final String[] TEXTS = {"AB", "BA", "AAB", "TE", "ET", "BE TA", "TEA", "ABE"};

    @TempDir
    Path dir;

    @AfterAll
    static void close() {
        BACKEND.close();
    }

    static float[] speak(String text) {
        List<Float> samples = new ArrayList<>();
        for (char c : text.toCharArray()) {
            double freq = c == ' ' ? 0 : 300 + 150 * (c - 'A');
            for (int i = 0; i < 1600; i++) { // 0.1 s per character
                samples.add(freq == 0 ? 0f : (float) (0.5 * Math.sin(2 * Math.PI * freq * i / 16000.0)));
            }
            for (int i = 0; i < 480; i++) { // a short gap so repeated letters stay apart
                samples.add(0f);
            }
        }
        float[] out = new float[samples.size() + 3200];
        for (int i = 0; i < samples.size(); i++) {
            out[1600 + i] = samples.get(i);
        }
        return FeatureExtractor.normalize(out);
    }

    static List<Trainer.Example> examples() {
        List<Trainer.Example> out = new ArrayList<>();
        for (String t : TEXTS) {
            out.add(Trainer.Example.of(speak(t), t, Trainer.encode(t, VOCAB)));
        }
        return out;
    }

    static double meanCtcLoss(Checkpoint checkpoint, List<Trainer.Example> examples) {
        Wav2Vec2Model model = new Wav2Vec2Model(BACKEND, checkpoint);
        CtcLoss ctc = new CtcLoss(0, true);
        double sum = 0;
        for (Trainer.Example e : examples) {
            float[] logits = model.logits(e.inputValues());
            sum += ctc.compute(logits, logits.length / 32, 32, e.targets()).nll() / e.targets().length;
        }
        return sum / examples.size();
    }

    @Test
    void anExampleHoldsItsSamplesIn16BitsWithinHalfAStepOfItsPeak() {
        float[] input = speak("SPEECH");
        Trainer.Example example = Trainer.Example.of(input, "SPEECH", Trainer.encode("SPEECH", VOCAB));
        float peak = 0;
        for (float x : input) {
            peak = Math.max(peak, Math.abs(x));
        }
        float[] back = example.inputValues();
        assertEquals(input.length, back.length);
        assertEquals(input.length, example.length());
        double worst = 0;
        for (int i = 0; i < input.length; i++) {
            worst = Math.max(worst, Math.abs(back[i] - input[i]));
        }
        assertTrue(worst <= peak / 65534 * 1.001, worst + " vs step " + peak / 32767);
        assertTrue(worst > 0, "quantized, not kept as floats");
        assertArrayEquals(new float[3], Trainer.Example.of(new float[3], "", new int[0]).inputValues(), "silence stays silence");
    }

    @Test
    void encodesReferencesAsCharacterIdsWithWordDelimiters() {
        assertArrayEquals(new int[]{VOCAB.id("B"), VOCAB.id("E"), VOCAB.id("|"), VOCAB.id("T"), VOCAB.id("A")},
                Trainer.encode("be, ta!", VOCAB));
    }

    @Test
    void speedPerturbationPlaysEachUtteranceAtASeededSpeedWithinTheRange() {
        float[] tone = new float[16000];
        for (int i = 0; i < tone.length; i++) {
            tone[i] = (float) Math.sin(2 * Math.PI * 440 * i / 16000.0);
        }
        Set<Integer> lengths = new HashSet<>();
        for (long seed = 1; seed <= 40; seed++) {
            float[] played = Trainer.perturbSpeed(tone, 0.1, new Random(seed * 0x9E3779B97F4A7C15L));
            // 1 s at a speed in [0.9, 1.1] lasts 1/1.1 to 1/0.9 s.
            assertTrue(played.length >= 16000 / 1.1 - 1 && played.length <= 16000 / 0.9 + 1, "length " + played.length);
            assertArrayEquals(played, Trainer.perturbSpeed(tone, 0.1, new Random(seed * 0x9E3779B97F4A7C15L)), "seeded");
            lengths.add(played.length);
            if (played.length == tone.length) {
                continue;
            }
            // Pitch moves with tempo: zero crossings per second scale by the speed.
            double speed = (double) tone.length / played.length;
            assertEquals(880 * speed, zeroCrossings(played) * 16000.0 / played.length, 880 * 0.02);
        }
        assertTrue(lengths.size() >= 10, "speeds drawn: " + lengths.size());
        assertSame(tone, Trainer.perturbSpeed(tone, 0, new Random(1)), "0 turns it off");
    }

    @Test
    void bandLimitingLowPassesAboutTheChosenShareOfUtterancesAndRenormalisesThem() {
        // Half the energy at 500 Hz, half at 7.5 kHz: above every cutoff in the band-limiting range.
        float[] input = new float[16000];
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) (Math.sin(2 * Math.PI * 500 * i / 16000.0) + Math.sin(2 * Math.PI * 7500 * i / 16000.0));
        }
        input = FeatureExtractor.normalize(input);
        Random random = new Random(5);
        int limited = 0;
        for (int trial = 0; trial < 400; trial++) {
            float[] output = Trainer.limitBand(input, 0.3, random);
            if (output == input) {
                continue;
            }
            limited++;
            // Unit variance again, now carried by the 500 Hz half alone: the sample-to-sample differences of a unit
            // 500 Hz sine have variance (2 sin(pi 500 / 16000))^2 = 0.04; the input's 7.5 kHz half gave it about 2.
            assertEquals(1.0, variance(output), 0.02);
            assertTrue(variance(differences(output)) < 0.1, "high band left: " + variance(differences(output)));
        }
        assertEquals(120, limited, 25, "about 30% of 400");
        assertSame(input, Trainer.limitBand(input, 0, new Random(1)), "0 turns it off");
    }

    @Test
    void specAugmentMasksAboutTheChosenShareInWholeSpans() {
        // 192 channels, 0.15, spans of 10: 2.88 spans on average (2 or 3), overlaps allowed.
        Random random = new Random(9);
        int spans = 0, masked = 0, trials = 2000;
        for (int trial = 0; trial < trials; trial++) {
            boolean[] mask = Trainer.maskedSpans(192, 0.15, 10, random);
            int runs = 0, run = 0, total = 0;
            for (int i = 0; i <= mask.length; i++) {
                if (i < mask.length && mask[i]) {
                    run++;
                    total++;
                } else if (run > 0) {
                    assertTrue(run >= 10, "a masked run shorter than one span: " + run);
                    runs++;
                    run = 0;
                }
            }
            assertTrue(runs >= 1 && runs <= 3 && total <= 30, "runs " + runs + ", masked " + total);
            assertTrue(mask[191] == false, "a span starts at most at length - span");
            masked += total;
            spans += runs;
        }
        assertEquals(0.15 * 0.95, masked / (192.0 * trials), 0.02, "masked share (overlaps make it a little less)");
        assertTrue(spans / (double) trials < 2.88, "overlapping spans merge into one run");
        assertNull(Trainer.maskedSpans(192, 0, 10, new Random(1)), "0 turns it off");
        assertNull(Trainer.maskedSpans(10, 0.5, 10, new Random(1)), "no span fits");
        assertThrows(IllegalArgumentException.class, () -> TrainConfig.quick().withFeatureMasking(1.0));
        assertThrows(IllegalArgumentException.class, () -> TrainConfig.quick().withFeatureMasking(-0.1));
    }

    private static float[] differences(float[] x) {
        float[] d = new float[x.length - 1];
        for (int i = 0; i < d.length; i++) {
            d[i] = x[i + 1] - x[i];
        }
        return d;
    }

    private static double variance(float[] x) {
        double sum = 0, sumSquares = 0;
        for (float v : x) {
            sum += v;
            sumSquares += (double) v * v;
        }
        double mean = sum / x.length;
        return sumSquares / x.length - mean * mean;
    }

    private static int zeroCrossings(float[] x) {
        int count = 0;
        for (int i = 1; i < x.length; i++) {
            if ((x[i - 1] < 0) != (x[i] < 0)) {
                count++;
            }
        }
        return count;
    }

    @Test
    void trainingLowersTheCtcLossResumesFromItsCheckpointAndExportsALoadableModel() throws Exception {
        TrainConfig config = TrainConfig.quick();
        Checkpoint initial = RandomCheckpoint.create(config.model(), 3);
        List<Trainer.Example> data = examples();
        double before = meanCtcLoss(initial, data);

        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);
        // First run stops early (as a killed job would), the second resumes and finishes.
        new Trainer(BACKEND, config.withSteps(config.validateEvery()), data, data.subList(0, 2), dir, out).train(initial);
        List<Trainer.Validation> history = new Trainer(BACKEND, config, data, data.subList(0, 2), dir, out).train(initial);
        String text = log.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("resuming at step " + config.validateEvery()), text);
        assertEquals(config.steps() / config.validateEvery() - 1, history.size(), "validations after resuming");
        assertTrue(text.contains("ETA"), "progress lines: " + text);

        Checkpoint exported = HuggingFaceCheckpoints.load(dir.resolve("model"));
        double after = meanCtcLoss(exported, data);
        assertTrue(after < 0.7 * before, "CTC loss per label " + before + " -> " + after);
    }

    @Test
    void channelMaskingChangesWhatTrainingLearnsAndKeepsItFinite() throws Exception {
        Checkpoint initial = RandomCheckpoint.create(TrainConfig.quick().model(), 3);
        Map<String, float[]> trained = new HashMap<>();
        for (double prob : new double[]{0, 0.5}) {
            Path out = dir.resolve("mask-" + prob);
            TrainConfig config = TrainConfig.quick().withSteps(4).withFeatureMasking(prob);
            new Trainer(BACKEND, config, examples(), examples().subList(0, 2), out,
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).train(initial);
            float[] weights = HuggingFaceCheckpoints.load(out.resolve("model")).tensor("lm_head.weight").data();
            for (float w : weights) {
                assertTrue(Float.isFinite(w));
            }
            trained.put("p" + prob, weights);
        }
        assertFalse(java.util.Arrays.equals(trained.get("p0.0"), trained.get("p0.5")),
                "the same seed with and without channel masks trains the same weights");
    }

    @Test
    void theSeedDecidesWhatTrainingLearnsAndTheSameSeedLearnsItAgain() throws Exception {
        Checkpoint initial = RandomCheckpoint.create(TrainConfig.quick().model(), 3);
        Map<String, float[]> trained = new HashMap<>();
        for (String run : new String[]{"seed7", "seed7-again", "seed8"}) {
            TrainConfig config = TrainConfig.quick().withSteps(4).withSeed(run.startsWith("seed7") ? 7 : 8);
            Path out = dir.resolve(run);
            new Trainer(BACKEND, config, examples(), examples().subList(0, 2), out,
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).train(initial);
            trained.put(run, HuggingFaceCheckpoints.load(out.resolve("model")).tensor("lm_head.weight").data());
        }
        assertArrayEquals(trained.get("seed7"), trained.get("seed7-again"), "the same seed trains the same weights");
        assertFalse(java.util.Arrays.equals(trained.get("seed7"), trained.get("seed8")),
                "another seed (data order, perturbation, masks) trains the same weights");
    }

    @Test
    void aFrozenFeatureEncoderKeepsItsWeightsWhileTheRestTrains() throws Exception {
        TrainConfig config = TrainConfig.quick().withSteps(10).withFrozenFeatureEncoder(true);
        Checkpoint initial = RandomCheckpoint.create(config.model(), 3);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        new Trainer(BACKEND, config, examples(), examples().subList(0, 2), dir,
                new PrintStream(log, true, StandardCharsets.UTF_8)).train(initial);

        Checkpoint trained = HuggingFaceCheckpoints.load(dir.resolve("model"));
        int frozen = 0, moved = 0;
        for (String name : initial.tensors().keySet()) {
            if (name.equals(Wav2Vec2Model.MASK_EMBEDDING)) {
                continue;
            }
            boolean same = java.util.Arrays.equals(initial.tensor(name).data(), trained.tensor(name).data());
            if (name.startsWith(Wav2Vec2Model.FEATURE_ENCODER_PREFIX)) {
                assertTrue(same, name + " is part of the frozen CNN");
                frozen++;
            } else if (!same) {
                moved++;
            }
        }
        assertTrue(frozen >= 7, "CNN tensors checked: " + frozen);
        assertTrue(moved > 20, "tensors above the CNN that trained: " + moved);
    }
}
