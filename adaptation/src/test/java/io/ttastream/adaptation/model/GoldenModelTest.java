package io.ttastream.adaptation.model;

import io.ttastream.asr.Checkpoint;
import io.ttastream.asr.HostTensor;
import io.ttastream.asr.HuggingFaceCheckpoints;
import io.ttastream.asr.Safetensors;
import io.ttastream.kernels.CpuBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Java model against torchaudio's independent wav2vec2 (tools/golden/make_golden.py): the same
 * tiny random Hugging Face checkpoints, the same input, logits computed there in float64.
 * Tolerance: max |java - golden| <= 1e-4 * max |golden| (float32 against float64).
 */
class GoldenModelTest {
    static final Path GOLDEN = Path.of("src/test/resources/golden");
    private static final CpuBackend BACKEND = new CpuBackend(2);

    @AfterAll
    static void close() {
        BACKEND.close();
    }

    static Map<String, HostTensor> golden(String name) throws Exception {
        return Safetensors.read(GOLDEN.resolve(name).resolve("golden.safetensors"));
    }

    static void assertRelativelyClose(String what, float[] expected, float[] actual, double tolerance) {
        assertArrayEquals(new int[]{expected.length}, new int[]{actual.length}, what + ": length");
        double maxRef = 0, maxDiff = 0;
        for (int i = 0; i < expected.length; i++) {
            maxRef = Math.max(maxRef, Math.abs(expected[i]));
            maxDiff = Math.max(maxDiff, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(maxDiff <= tolerance * maxRef,
                what + ": max difference " + maxDiff + " exceeds " + tolerance + " x max magnitude " + maxRef);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-group", "tiny-layer", "tiny-group-fp16"})
    void logitsMatchTorchaudio(String name) throws Exception {
        Checkpoint checkpoint = HuggingFaceCheckpoints.load(GOLDEN.resolve(name));
        Map<String, HostTensor> golden = golden(name);
        Wav2Vec2Model model = new Wav2Vec2Model(BACKEND, checkpoint);
        float[] input = golden.get("input_values").data();
        HostTensor expected = golden.get("logits");
        assertArrayEquals(expected.shape(), new int[]{model.frameCount(input.length), checkpoint.config().vocabSize()});
        assertRelativelyClose(name + " logits", expected.data(), model.logits(input), 1e-4);
    }
}
