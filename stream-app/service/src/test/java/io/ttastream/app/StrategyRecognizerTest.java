package io.ttastream.app;

import io.ttastream.adaptation.decode.CtcDecoder;
import io.ttastream.adaptation.suta.SutaConfig;
import io.ttastream.app.stream.ClosingReason;
import io.ttastream.app.stream.Recognizer;
import io.ttastream.app.stream.Utterance;
import io.ttastream.kernels.CpuBackend;
import io.ttastream.asr.audio.Pcm16;
import io.ttastream.state.WeightStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StrategyRecognizerTest {
    private static final Path TINY = Path.of("../../adaptation/src/test/resources/golden/tiny-layer");
    private static final double TOLERANCE = 1e-6;
    private static final String PARTITION = "tta-utterances-by-scope-repartition-0";

    @TempDir
    Path dir;

    @Test
    void aRestartReplayingCommittedUtterancesReproducesTheirTranscriptsAndWeights() throws Exception {
        List<Utterance> input = utterances(9);
        List<Recognizer.Result> uninterrupted = dsutaWithoutInterruption(input);
        assertTrue(uninterrupted.stream().anyMatch(r -> r.events().stream().anyMatch(e -> e.type().equals("slow_update"))),
                "the stream is long enough for the kept state to change");

        // The service commits the state after each of the first six utterances, then dies; Kafka had
        // committed its input position only up to utterance 4, so utterances 4 and 5 come again.
        try (Recogniser recogniser = Recogniser.load(TINY, new CpuBackend(1));
             WeightStore store = WeightStore.open(dir.resolve("weights"), recogniser.modelId())) {
            Recognizer first = new StrategyRecognizer("dsuta", SutaConfig.reference(), recogniser::newModel, store, false);
            for (int i = 0; i < 6; i++) {
                same(uninterrupted.get(i), first.recognize(input.get(i), PARTITION, 10 + i));
            }
        }
        try (Recogniser recogniser = Recogniser.load(TINY, new CpuBackend(1));
             WeightStore store = WeightStore.open(dir.resolve("weights"), recogniser.modelId())) {
            Recognizer restarted = new StrategyRecognizer("dsuta", SutaConfig.reference(), recogniser::newModel, store, false);
            for (int i = 4; i < input.size(); i++) {
                same(uninterrupted.get(i), restarted.recognize(input.get(i), PARTITION, 10 + i));
            }
            // A replay inside a running service (an aborted transaction) restores from the store too.
            same(uninterrupted.get(7), restarted.recognize(input.get(7), PARTITION, 17));
        }
    }

    @Test
    void withoutAStoreARestartForgetsTheAdaptation() throws Exception {
        List<Utterance> input = utterances(7);
        try (Recogniser recogniser = Recogniser.load(TINY, new CpuBackend(1))) {
            Recognizer kept = new StrategyRecognizer("dsuta", SutaConfig.reference(), recogniser::newModel, null, false);
            Recognizer.Result adapted = null;
            for (Utterance u : input) {
                adapted = kept.recognize(u);
            }
            Recognizer.Result fresh = new StrategyRecognizer("dsuta", SutaConfig.reference(), recogniser::newModel, null, false)
                    .recognize(input.get(6));
            assertTrue(Math.abs(adapted.entropyBefore() - fresh.entropyBefore()) > 100 * TOLERANCE,
                    "the slow weights moved, so a fresh start differs by far more than rounding: "
                            + adapted.entropyBefore() + " vs " + fresh.entropyBefore());
        }
    }

    @Test
    void anUtteranceTheModelCannotTakeThrowsWithItsReasonAndCostsTheScopeNothing() throws Exception {
        List<Utterance> input = utterances(7);
        List<Recognizer.Result> uninterrupted = dsutaWithoutInterruption(input);
        // 200 samples (12.5 ms) are shorter than the feature encoder's first window of 400.
        Utterance tooShort = new Utterance("s", "scope", "blip", 99, 99, 16000, new byte[400], ClosingReason.END_OF_UTTERANCE);
        try (Recogniser recogniser = Recogniser.load(TINY, new CpuBackend(1));
             WeightStore store = WeightStore.open(dir.resolve("weights"), recogniser.modelId())) {
            Recognizer recognizer = new StrategyRecognizer("dsuta", SutaConfig.reference(), recogniser::newModel, store, false);
            for (int i = 0; i < 5; i++) {
                same(uninterrupted.get(i), recognizer.recognize(input.get(i), PARTITION, 10 + i));
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> recognizer.recognize(tooShort, PARTITION, 15));
            assertTrue(e.getMessage().contains("too short"), e.getMessage());
            for (int i = 5; i < input.size(); i++) {
                same(uninterrupted.get(i), recognizer.recognize(input.get(i), PARTITION, 11 + i));
            }
        }
    }

    @Test
    void theSourceDecodingRidesAlongWhenAsked() throws Exception {
        List<Utterance> input = utterances(6);
        try (Recogniser recogniser = Recogniser.load(TINY, new CpuBackend(1))) {
            Recognizer both = new StrategyRecognizer("dsuta", SutaConfig.reference(), recogniser::newModel, null, true);
            Recognizer source = new StrategyRecognizer("source", SutaConfig.reference(), recogniser::newModel, null, false);
            for (Utterance u : input) {
                Recognizer.Result result = both.recognize(u);
                assertEquals(source.recognize(u).text(), result.sourceText());
                assertEquals("dsuta", result.strategy());
            }
            assertEquals(null, new StrategyRecognizer("dsuta", SutaConfig.reference(), recogniser::newModel, null, false)
                    .recognize(input.get(0)).sourceText());
        }
    }

    @Test
    void theGivenDecoderWritesBothTheAdaptedAndTheSourceTranscripts() throws Exception {
        List<Utterance> input = utterances(3);
        try (Recogniser recogniser = Recogniser.load(TINY, new CpuBackend(1))) {
            int classes = recogniser.vocabulary().size();
            // A decoder a test can recognise: the number of frames the logits hold.
            CtcDecoder frameCounter = logits -> "FRAMES " + logits.length / classes;
            Recognizer recognizer = new StrategyRecognizer("dsuta", SutaConfig.reference(), recogniser::newModel, null, true,
                    frameCounter);
            for (Utterance u : input) {
                Recognizer.Result result = recognizer.recognize(u);
                assertTrue(result.text().matches("FRAMES [1-9][0-9]*"), result.text());
                assertEquals(result.text(), result.sourceText(), "same audio, same frame count");
            }
        }
    }

    @Test
    void aStoreRefusesWeightsOfAnotherModel() throws Exception {
        String tiny = Recogniser.modelId(TINY);
        String other = Recogniser.modelId(TINY.resolveSibling("tiny-group"));
        assertNotEquals(tiny, other);
        assertEquals(tiny, Recogniser.modelId(TINY), "the id is a function of the files");
    }

    /** DSUTA's results on the utterances in one run, with nothing stored. */
    private static List<Recognizer.Result> dsutaWithoutInterruption(List<Utterance> input) throws Exception {
        List<Recognizer.Result> results = new ArrayList<>();
        try (Recogniser recogniser = Recogniser.load(TINY, new CpuBackend(1))) {
            Recognizer reference = new StrategyRecognizer("dsuta", SutaConfig.reference(), recogniser::newModel, null, false);
            for (Utterance u : input) {
                results.add(reference.recognize(u));
            }
        }
        return results;
    }

    /**
     * Equal up to float rounding: the Vector API's lane reductions add in a different order once the JIT
     * compiles them, so two runs of the same arithmetic agree to about 1e-9, not bit for bit.
     */
    private static void same(Recognizer.Result expected, Recognizer.Result actual) {
        assertEquals(expected.text(), actual.text());
        assertEquals(expected.entropyBefore(), actual.entropyBefore(), TOLERANCE);
        assertEquals(expected.entropyAfter(), actual.entropyAfter(), TOLERANCE);
        assertEquals(expected.modelVersion(), actual.modelVersion());
        assertEquals(expected.events(), actual.events());
    }

    /** Half-second utterances of different noise, one scope. */
    private static List<Utterance> utterances(int count) {
        Random random = new Random(7);
        List<Utterance> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            float[] samples = new float[8000];
            double freq = 200 + 150 * i;
            for (int t = 0; t < samples.length; t++) {
                samples[t] = (float) (0.3 * Math.sin(2 * Math.PI * freq * t / 16000) + 0.05 * random.nextGaussian());
            }
            list.add(new Utterance("s", "scope", "u" + i, i, i, 16000, Pcm16.encode(samples), ClosingReason.END_OF_UTTERANCE));
        }
        return list;
    }
}
