package io.ttastream.asr;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointTest {

    private final Checkpoint first = TestCheckpoints.random(TestCheckpoints.tinyLarge(), 1);
    private final Checkpoint second = TestCheckpoints.random(TestCheckpoints.tinyLarge(), 2);

    @Test
    void theEndsOfTheWeightRangeGiveEitherModelAndTheMiddleTheirMean() {
        String name = "lm_head.weight";
        float[] a = first.tensor(name).data();
        float[] b = second.tensor(name).data();
        assertNotEquals(a[0], b[0]);

        assertArrayEquals(a, first.interpolate(second, 0f).tensor(name).data());
        assertArrayEquals(b, first.interpolate(second, 1f).tensor(name).data());
        // Multiples of 1/1024 in [-1, 1]: their half sums are exact in float.
        float[] mean = first.interpolate(second, 0.5f).tensor(name).data();
        for (int i = 0; i < a.length; i++) {
            assertEquals((a[i] + b[i]) / 2, mean[i], 0f, "element " + i);
        }
        Checkpoint quarter = first.interpolate(second, 0.25f);
        assertEquals(0.75f * a[3] + 0.25f * b[3], quarter.tensor(name).data()[3], 1e-6f);
        assertEquals(first.tensors().keySet(), quarter.tensors().keySet());
        assertEquals(first.config(), quarter.config());
    }

    @Test
    void refusesAWeightOutsideTheUnitInterval() {
        for (float weight : new float[]{-0.1f, 1.5f, Float.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> first.interpolate(second, weight));
            assertTrue(e.getMessage().contains("[0, 1]"), e.getMessage());
        }
    }

    @Test
    void refusesModelsThatDifferInConfigVocabularyOrTensors() {
        Checkpoint otherArchitecture = TestCheckpoints.random(TestCheckpoints.tinyBase(), 2);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> first.interpolate(otherArchitecture, 0.5f))
                .getMessage().contains("configs"));

        Checkpoint otherVocabulary = new Checkpoint(second.config(),
                Vocabulary.of(List.of("<pad>", "|", "X", "Y", "Z", "'"), 0), second.tensors());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> first.interpolate(otherVocabulary, 0.5f))
                .getMessage().contains("vocabularies"));

        Map<String, HostTensor> fewer = new LinkedHashMap<>(second.tensors());
        fewer.remove("lm_head.bias");
        Checkpoint missing = new Checkpoint(second.config(), second.vocabulary(), fewer);
        String message = assertThrows(IllegalArgumentException.class, () -> first.interpolate(missing, 0.5f))
                .getMessage();
        assertTrue(message.contains("[lm_head.bias] only in the first"), message);

        Map<String, HostTensor> reshaped = new LinkedHashMap<>(second.tensors());
        HostTensor bias = reshaped.get("lm_head.bias");
        reshaped.put("lm_head.bias", new HostTensor(new int[]{1, bias.size()}, bias.data()));
        Checkpoint wrongShape = new Checkpoint(second.config(), second.vocabulary(), reshaped);
        message = assertThrows(IllegalArgumentException.class, () -> first.interpolate(wrongShape, 0.5f)).getMessage();
        assertTrue(message.contains("lm_head.bias has shape [6]"), message);
    }
}
