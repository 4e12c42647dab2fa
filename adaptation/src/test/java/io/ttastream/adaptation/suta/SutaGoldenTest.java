package io.ttastream.adaptation.suta;

import io.ttastream.adaptation.model.Gradients;
import io.ttastream.adaptation.model.ParameterGroups;
import io.ttastream.adaptation.model.Wav2Vec2Model;
import io.ttastream.asr.HostTensor;
import io.ttastream.asr.HuggingFaceCheckpoints;
import io.ttastream.asr.Safetensors;
import io.ttastream.kernels.CpuBackend;
import io.ttastream.kernels.Tensor;
import io.ttastream.kernels.loss.SutaLoss;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SUTA's gradients and a whole 10-step trajectory against PyTorch (tools/golden/make_golden.py:
 * torchaudio's wav2vec2 in float64, the reference loss, torch.optim.AdamW).
 */
class SutaGoldenTest {
    private static final Path GOLDEN = Path.of("src/test/resources/golden");
    private static final CpuBackend BACKEND = new CpuBackend(2);

    @AfterAll
    static void close() {
        BACKEND.close();
    }

    /** max |actual - expected| <= tolerance * max |expected| + floor, per tensor. */
    private static void assertClose(String what, float[] expected, float[] actual, double tolerance, double floor) {
        double maxRef = 0, maxDiff = 0;
        for (int i = 0; i < expected.length; i++) {
            maxRef = Math.max(maxRef, Math.abs(expected[i]));
            maxDiff = Math.max(maxDiff, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(maxDiff <= tolerance * maxRef + floor,
                what + ": max difference " + maxDiff + " vs max magnitude " + maxRef);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-group", "tiny-layer"})
    void gradientsOfEveryParameterMatchPyTorch(String name) throws Exception {
        Map<String, HostTensor> golden = Safetensors.read(GOLDEN.resolve(name).resolve("golden.safetensors"));
        Wav2Vec2Model model = new Wav2Vec2Model(BACKEND, HuggingFaceCheckpoints.load(GOLDEN.resolve(name)));
        SutaAdapter adapter = new SutaAdapter(model, SutaConfig.reference().withSteps(0));
        List<String> all = ParameterGroups.select(List.of(ParameterGroups.ALL), model.config(), model.parameters().names());
        Gradients gradients = new Gradients(BACKEND, model.parameters(), all);
        SutaLoss.Result loss = adapter.lossAndGradients(golden.get("input_values").data(), gradients);
        assertEquals(golden.get("suta_loss").data()[0], loss.total(), 1e-4, "loss");
        for (String parameter : all) {
            Tensor g = gradients.of(parameter);
            // Float32 backward against float64: 1e-3 of the tensor's largest gradient.
            assertClose(name + " grad " + parameter, golden.get("grad." + parameter).data(), g.toArray(), 1e-3, 1e-7);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-group", "tiny-layer"})
    void tenStepTrajectoryMatchesPyTorch(String name) throws Exception {
        Path dir = GOLDEN.resolve(name).resolve("golden.safetensors");
        Map<String, HostTensor> golden = Safetensors.read(dir);
        Map<String, String> meta = Safetensors.metadata(dir);
        Wav2Vec2Model model = new Wav2Vec2Model(BACKEND, HuggingFaceCheckpoints.load(GOLDEN.resolve(name)));
        SutaConfig config = SutaConfig.reference()
                .withSteps(Integer.parseInt(meta.get("steps")))
                .withLr(Double.parseDouble(meta.get("lr")));
        SutaAdapter adapter = new SutaAdapter(model, config);
        assertEquals(java.util.Set.of(meta.get("trainable").split(",")), java.util.Set.copyOf(adapter.trainableParameters()),
                "trained parameter set");

        SutaAdapter.Result result = adapter.adaptInPlace(golden.get("input_values").data(), adapter.newOptimizer(), config.steps());
        assertFalse(result.nonFinite());
        float[] expectedLosses = golden.get("trajectory.loss").data();
        for (int step = 0; step < config.steps(); step++) {
            assertEquals(expectedLosses[step], result.stepLosses()[step], 2e-4, "loss before step " + step);
        }
        assertEquals(expectedLosses[config.steps()], result.after().total(), 2e-4, "loss after the last step");
        assertTrue(expectedLosses[config.steps()] < expectedLosses[0], "the golden trajectory lowers the loss");
        for (String parameter : adapter.trainableParameters()) {
            // Adam moves each weight by about lr per step whatever the gradient's size, so a
            // near-zero gradient's sign can differ between float32 and float64: allow one step.
            assertClose(name + " final " + parameter, golden.get("trajectory.final." + parameter).data(),
                    model.parameters().get(parameter).toArray(), 0, config.lr() * 1.01);
        }
    }
}
