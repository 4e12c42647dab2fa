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
        assertEquals(first.lossAfter(), again.lossAfter(), 0.0);
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
}
