package io.ttastream.adaptation.suta;

import io.ttastream.adaptation.model.Gradients;
import io.ttastream.adaptation.model.ParameterGroups;
import io.ttastream.adaptation.model.RandomCheckpoint;
import io.ttastream.adaptation.model.Wav2Vec2Model;
import io.ttastream.asr.Checkpoint;
import io.ttastream.asr.HuggingFaceCheckpoints;
import io.ttastream.kernels.CpuBackend;
import io.ttastream.kernels.Tensor;
import io.ttastream.kernels.loss.SutaLoss;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SutaAdapterTest {
    private static final CpuBackend BACKEND = new CpuBackend(2);

    @AfterAll
    static void close() {
        BACKEND.close();
    }

    private static float[] audio(long seed, int samples) {
        Random random = new Random(seed);
        float[] x = new float[samples];
        for (int i = 0; i < samples; i++) {
            x[i] = (float) (Math.sin(i * 0.05) + 0.3 * random.nextGaussian());
        }
        return x;
    }

    private static Wav2Vec2Model golden(String name) throws Exception {
        return new Wav2Vec2Model(BACKEND, HuggingFaceCheckpoints.load(Path.of("src/test/resources/golden", name)));
    }

    /**
     * The whole model's loss gradient against central differences in float64-accumulated loss,
     * probing the largest-gradient elements of each group (where float32 noise matters least).
     */
    @Test
    void lossGradientMatchesFiniteDifferencesForEachParameterGroup() throws Exception {
        for (String name : List.of("tiny-group", "tiny-layer")) {
            Wav2Vec2Model model = golden(name);
            SutaAdapter adapter = new SutaAdapter(model, SutaConfig.reference().withSteps(0));
            float[] input = audio(3, 8000);
            for (ParameterGroups group : ParameterGroups.values()) {
                List<String> names = ParameterGroups.select(List.of(group), model.config(), model.parameters().names());
                Gradients gradients = new Gradients(BACKEND, model.parameters(), names);
                adapter.lossAndGradients(input, gradients);
                int checked = 0;
                for (String parameter : names) {
                    Tensor p = model.parameters().get(parameter);
                    float[] analytic = gradients.of(parameter).toArray();
                    int largest = IntStream.range(0, analytic.length).boxed()
                            .max(Comparator.comparingDouble(i -> Math.abs(analytic[i]))).orElseThrow();
                    if (Math.abs(analytic[largest]) < 1e-3) {
                        continue; // too flat for a float32 finite difference to say anything
                    }
                    float[] values = p.toArray();
                    float saved = values[largest];
                    // Small enough that no frame's greedy label (the non-blank mask) flips, large enough for float32.
                    float eps = 3e-3f * Math.max(1f, Math.abs(saved));
                    values[largest] = saved + eps;
                    p.copyFrom(values);
                    double plus = adapter.lossOf(model.logits(input)).total();
                    values[largest] = saved - eps;
                    p.copyFrom(values);
                    double minus = adapter.lossOf(model.logits(input)).total();
                    values[largest] = saved;
                    p.copyFrom(values);
                    double numeric = (plus - minus) / (2 * eps);
                    assertEquals(numeric, analytic[largest], 0.05 * Math.abs(numeric) + 3e-4,
                            name + " " + group + " " + parameter + "[" + largest + "]");
                    checked++;
                }
                assertTrue(checked > 0, name + " " + group + ": no parameter was checked");
            }
        }
    }

    @Test
    void lnOnlyGroupLeavesOutTheGroupNormAndFormsNoOtherGradient() throws Exception {
        Wav2Vec2Model model = golden("tiny-group");
        List<String> ln = ParameterGroups.select(List.of(ParameterGroups.LAYER_NORM), model.config(), model.parameters().names());
        assertFalse(ln.contains("wav2vec2.feature_extractor.conv_layers.0.layer_norm.weight"), "GroupNorm is not a LayerNorm");
        assertTrue(ln.contains("wav2vec2.feature_projection.layer_norm.weight"));
        assertTrue(ln.stream().allMatch(n -> n.contains("layer_norm")));
        Gradients gradients = new Gradients(BACKEND, model.parameters(), ln);
        assertEquals(ln.size(), gradients.asMap().size());
        assertEquals(null, gradients.of("lm_head.weight"));
    }

    @Test
    void episodicAdaptationRestoresTheWeightsBitForBit() throws Exception {
        Wav2Vec2Model model = golden("tiny-layer");
        SutaAdapter adapter = new SutaAdapter(model, SutaConfig.reference().withSteps(3).withLr(1e-2));
        Map<String, float[]> before = snapshot(model, adapter.trainableParameters());
        SutaAdapter.Result result = adapter.adapt(audio(5, 16000));
        assertFalse(result.nonFinite());
        assertTrue(result.after().total() < result.before().total(), "a large step lowers the loss on its own utterance");
        before.forEach((name, values) -> assertArrayEquals(values, model.parameters().get(name).toArray(), name));
    }

    @Test
    void nonFiniteLossFallsBackToTheUnadaptedWeightsAndIsCounted() throws Exception {
        Wav2Vec2Model model = golden("tiny-group");
        SutaAdapter adapter = new SutaAdapter(model, SutaConfig.reference().withSteps(2));
        Map<String, float[]> before = snapshot(model, adapter.trainableParameters());
        float[] input = audio(7, 16000);
        input[100] = Float.NaN;
        SutaAdapter.Result result = adapter.adaptInPlace(input, adapter.newOptimizer(), 2);
        assertTrue(result.nonFinite());
        assertEquals(1, adapter.nonFiniteCount());
        before.forEach((name, values) -> assertArrayEquals(values, model.parameters().get(name).toArray(), name));
        // The next, healthy utterance adapts normally.
        assertFalse(adapter.adapt(audio(8, 16000)).nonFinite());
    }

    @Test
    void randomlyInitialisedModelRunsForwardAndBackward() {
        Checkpoint checkpoint = RandomCheckpoint.create(RandomCheckpoint.tinyConfig(), 11);
        Wav2Vec2Model model = new Wav2Vec2Model(BACKEND, checkpoint);
        SutaAdapter adapter = new SutaAdapter(model, SutaConfig.reference());
        SutaAdapter.Result result = adapter.adapt(audio(9, 12000));
        SutaLoss.Result before = result.before();
        assertTrue(Double.isFinite(before.total()) && Double.isFinite(result.after().total()));
        assertEquals(model.frameCount(12000) * 32, result.logits().length);
        assertTrue(Arrays.stream(result.stepLosses()).allMatch(Double::isFinite));
    }

    @Test
    void adaptsAnUtteranceShorterThanThePositionalConvolutionsPadding() {
        // 2,000 samples are 6 frames; the tiny model's positional convolution pads 8 on each side, so every
        // tap reads padding at one end (this once threw from im2col: 0.64 s utterances for the source model).
        Wav2Vec2Model model = new Wav2Vec2Model(BACKEND, RandomCheckpoint.create(RandomCheckpoint.tinyConfig(), 11));
        assertEquals(6, model.frameCount(2000));
        assertEquals(1, model.frameCount(400));
        assertEquals(0, model.frameCount(399), "the CNN's receptive field is 400 samples");
        SutaAdapter.Result result = new SutaAdapter(model, SutaConfig.reference()).adapt(audio(9, 2000));
        assertEquals(6 * 32, result.logits().length);
        assertTrue(Double.isFinite(result.after().total()));
    }

    private static Map<String, float[]> snapshot(Wav2Vec2Model model, List<String> names) {
        Map<String, float[]> out = new java.util.LinkedHashMap<>();
        names.forEach(n -> out.put(n, model.parameters().get(n).toArray()));
        return out;
    }
}
