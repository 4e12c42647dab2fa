package io.ttastream.adaptation.strategy;

import io.ttastream.adaptation.model.Wav2Vec2Model;
import io.ttastream.adaptation.suta.SutaAdapter;
import io.ttastream.adaptation.suta.SutaConfig;
import io.ttastream.asr.HuggingFaceCheckpoints;
import io.ttastream.kernels.CpuBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The mechanics of each strategy on the tiny golden model: what moves, when, and what a reset restores. */
class ContinualStrategyTest {
    private static final CpuBackend BACKEND = new CpuBackend(2);
    private static final SutaConfig CONFIG = SutaConfig.reference().withLr(1e-2);

    @AfterAll
    static void close() {
        BACKEND.close();
    }

    private static Wav2Vec2Model model() throws Exception {
        return new Wav2Vec2Model(BACKEND, HuggingFaceCheckpoints.load(Path.of("src/test/resources/golden/tiny-group")));
    }

    private static float[] utterance(long seed) {
        Random random = new Random(seed);
        float[] x = new float[6400];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (Math.sin(i * (0.02 + 0.01 * seed)) + 0.5 * random.nextGaussian());
        }
        return x;
    }

    private static Map<String, float[]> weights(Wav2Vec2Model model) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (String name : new SutaAdapter(model, CONFIG).trainableParameters()) {
            out.put(name, model.parameters().get(name).toArray());
        }
        return out;
    }

    private static boolean same(Map<String, float[]> a, Map<String, float[]> b) {
        return a.keySet().stream().allMatch(k -> java.util.Arrays.equals(a.get(k), b.get(k)));
    }

    @Test
    void sutaNeverCarriesStateOver() throws Exception {
        Wav2Vec2Model model = model();
        Map<String, float[]> source = weights(model);
        Strategy suta = Strategies.create("suta", model, CONFIG);
        Strategy.Outcome first = suta.process(utterance(1));
        suta.process(utterance(2));
        Strategy.Outcome again = suta.process(utterance(1));
        assertEquals(first.text(), again.text());
        // Vector-API lane reductions may sum in another order once the JIT compiles them: equal to rounding.
        assertEquals(first.lossAfter(), again.lossAfter(), 1e-6 * Math.abs(first.lossAfter()));
        assertEquals(true, same(source, weights(model)), "source weights after SUTA");
    }

    @Test
    void dsutaTakesOneSlowStepPerBufferOfFive() throws Exception {
        Wav2Vec2Model model = model();
        Map<String, float[]> source = weights(model);
        ContinualStrategy dsuta = (ContinualStrategy) Strategies.create("dsuta", model, CONFIG);
        for (int i = 1; i <= 4; i++) {
            dsuta.process(utterance(i));
        }
        assertEquals(0, dsuta.slowUpdates());
        assertEquals(true, same(source, weights(model)), "fast weights are discarded; no slow step yet");
        dsuta.process(utterance(5));
        assertEquals(1, dsuta.slowUpdates());
        Map<String, float[]> afterFirst = weights(model);
        assertFalse(same(source, afterFirst), "the slow step is kept");
        for (int i = 6; i <= 10; i++) {
            dsuta.process(utterance(i));
        }
        assertEquals(2, dsuta.slowUpdates());
        assertEquals(0, dsuta.resets().size(), "no reset before K = 100 utterances");
    }

    @Test
    void csutaKeepsEveryStepAndPeriodicResetRestoresTheSource() throws Exception {
        Wav2Vec2Model model = model();
        Map<String, float[]> source = weights(model);
        ContinualStrategy csuta = new ContinualStrategy(ContinualStrategy.Plan.csutaReset(3), model, CONFIG);
        csuta.process(utterance(1));
        Map<String, float[]> one = weights(model);
        assertFalse(same(source, one), "csuta keeps its step");
        csuta.process(utterance(2));
        assertFalse(same(one, weights(model)), "and keeps moving");
        csuta.process(utterance(3));
        assertEquals(1, csuta.resets().size());
        assertEquals("periodic", csuta.resets().get(0).reason());
        source.forEach((name, values) -> assertArrayEquals(values, model.parameters().get(name).toArray(), name));
    }

    @Test
    void slowOnlyDecodesWithTheSlowWeightsAndFastOnlyNeverMovesThem() throws Exception {
        Wav2Vec2Model model = model();
        Map<String, float[]> source = weights(model);
        ContinualStrategy fastOnly = (ContinualStrategy) Strategies.create("fast-only", model, CONFIG);
        for (int i = 1; i <= 5; i++) {
            fastOnly.process(utterance(i));
        }
        assertEquals(0, fastOnly.slowUpdates());
        assertEquals(true, same(source, weights(model)));

        ContinualStrategy slowOnly = (ContinualStrategy) Strategies.create("slow-only", model, CONFIG);
        Strategy.Outcome before = slowOnly.process(utterance(1));
        assertEquals(before.lossBefore(), before.lossAfter(), 0.0, "no fast steps");
        for (int i = 2; i <= 5; i++) {
            slowOnly.process(utterance(i));
        }
        assertEquals(1, slowOnly.slowUpdates());
        assertFalse(same(source, weights(model)));
    }

    @Test
    void exportedStateRestoresAStrategyThatContinuesIdentically() throws Exception {
        Wav2Vec2Model model = model();
        ContinualStrategy original = (ContinualStrategy) Strategies.create("dsuta", model, CONFIG);
        for (int i = 1; i <= 7; i++) { // one slow update done, two utterances buffered
            original.process(utterance(i));
        }
        StrategyState state = original.exportState();
        assertEquals("2", state.properties().get("buffer.size"));
        assertEquals(7, state.properties().get("collapse.recent").length(), "the collapse guard's window travels too");
        Strategy.Outcome expected = original.process(utterance(8));
        Map<String, float[]> expectedWeights = weights(model);

        Wav2Vec2Model fresh = model();
        ContinualStrategy restored = (ContinualStrategy) Strategies.create("dsuta", fresh, CONFIG);
        restored.importState(state);
        assertEquals(7, restored.utterances());
        Strategy.Outcome actual = restored.process(utterance(8));
        assertEquals(expected.text(), actual.text());
        assertEquals(expected.lossAfter(), actual.lossAfter(), 1e-6 * Math.abs(expected.lossAfter()));
        for (int i = 9; i <= 10; i++) { // the buffer restored from the state completes the next slow step
            original.process(utterance(i));
            restored.process(utterance(i));
        }
        assertEquals(original.slowUpdates(), restored.slowUpdates());
        Map<String, float[]> a = weights(model), b = weights(fresh);
        a.forEach((name, values) -> assertArrayEquals(values, b.get(name), 1e-5f, name)); // equal up to rounding
        assertFalse(same(expectedWeights, a), "the slow step after restore moved the weights");
    }

    @Test
    void stateOfAnotherStrategyIsRefused() throws Exception {
        Wav2Vec2Model model = model();
        StrategyState csuta = ((ContinualStrategy) Strategies.create("csuta", model, CONFIG)).exportState();
        ContinualStrategy dsuta = (ContinualStrategy) Strategies.create("dsuta", model, CONFIG);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> dsuta.importState(csuta));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("csuta"), e.getMessage());
    }

    @Test
    void collapseToBlankTranscriptsResetsTheSlowWeights() throws Exception {
        Wav2Vec2Model model = model();
        Map<String, float[]> source = weights(model);
        ContinualStrategy csuta = (ContinualStrategy) Strategies.create("csuta", model, CONFIG);
        float[] silence = new float[6400]; // adapting on silence drives the model to all-blank output
        for (int i = 0; i < ContinualStrategy.COLLAPSE_WINDOW; i++) {
            csuta.process(silence);
        }
        assertEquals(1, csuta.resets().size(), "the window filled with empty transcripts");
        assertEquals("collapse", csuta.resets().get(0).reason());
        org.junit.jupiter.api.Assertions.assertTrue(csuta.resets().get(0).statistic() >= ContinualStrategy.COLLAPSE_FRACTION);
        assertEquals(true, same(source, weights(model)), "no known-good weights yet: back to the source");
    }
}
