package io.ttastream.adaptation.model;

import io.ttastream.kernels.CpuBackend;
import io.ttastream.kernels.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The masked training forward (time and channel SpecAugment) and its backward. */
class SpecAugmentMaskTest {
    private static final CpuBackend BACKEND = new CpuBackend(2);
    private static final String PROJECTION_WEIGHT = "wav2vec2.feature_projection.projection.weight";
    private static final String PROJECTION_BIAS = "wav2vec2.feature_projection.projection.bias";

    @AfterAll
    static void close() {
        BACKEND.close();
    }

    private static float[] audio(int samples) {
        Random random = new Random(5);
        float[] x = new float[samples];
        for (int i = 0; i < samples; i++) {
            x[i] = (float) (Math.sin(i * 0.03) + 0.3 * random.nextGaussian());
        }
        return x;
    }

    /** A fixed random linear function of the logits, accumulated in double: its gradient is the weights. */
    private static double loss(float[] logits, float[] weights) {
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            sum += (double) logits[i] * weights[i];
        }
        return sum;
    }

    private static boolean[] spans(int length, int... starts) {
        boolean[] mask = new boolean[length];
        for (int start : starts) {
            for (int i = start; i < Math.min(length, start + 3); i++) {
                mask[i] = true;
            }
        }
        return mask;
    }

    @Test
    void gradientsMatchFiniteDifferencesAndMaskedChannelsPassNone() {
        Wav2Vec2Model model = new Wav2Vec2Model(BACKEND, RandomCheckpoint.create(RandomCheckpoint.tinyConfig(), 11));
        int width = model.config().hiddenSize();
        float[] input = audio(6000);
        int frames = model.frameCount(input.length);
        SpecAugmentMask mask = new SpecAugmentMask(spans(frames, 2, 9), spans(width, 1, width / 2));
        float[] weights = new float[frames * model.vocabulary().size()];
        Random random = new Random(3);
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (float) random.nextGaussian();
        }

        List<String> names = new ArrayList<>(model.parameters().names());
        Gradients gradients = new Gradients(BACKEND, model.parameters(), names);
        Wav2Vec2Model.Activations a = model.forward(input, mask);
        model.backward(a, BACKEND.fromArray(weights, a.logits().shape()), gradients);

        float[] dEmbed = gradients.of(Wav2Vec2Model.MASK_EMBEDDING).toArray();
        float[] dWeight = gradients.of(PROJECTION_WEIGHT).toArray();
        float[] dBias = gradients.of(PROJECTION_BIAS).toArray();
        int in = dWeight.length / width;
        for (int c = 0; c < width; c++) {
            boolean zeroed = mask.channels()[c];
            assertEquals(zeroed, dEmbed[c] == 0, "masked_spec_embed gradient at channel " + c);
            assertEquals(zeroed, dBias[c] == 0, "projection bias gradient at channel " + c);
            for (int k = 0; k < in; k++) {
                if (zeroed) {
                    assertEquals(0f, dWeight[c * in + k], "projection weight gradient, zeroed channel " + c);
                }
            }
        }

        int checked = 0;
        for (String parameter : List.of(Wav2Vec2Model.MASK_EMBEDDING, PROJECTION_WEIGHT, PROJECTION_BIAS,
                "wav2vec2.feature_extractor.conv_layers.0.conv.weight", "lm_head.weight")) {
            Tensor p = model.parameters().get(parameter);
            float[] analytic = gradients.of(parameter).toArray();
            int largest = IntStream.range(0, analytic.length).boxed()
                    .max(Comparator.comparingDouble(i -> Math.abs(analytic[i]))).orElseThrow();
            float[] values = p.toArray();
            float saved = values[largest];
            float eps = 1e-2f * Math.max(1f, Math.abs(saved));
            values[largest] = saved + eps;
            p.copyFrom(values);
            double plus = loss(model.forward(input, mask).logits().toArray(), weights);
            values[largest] = saved - eps;
            p.copyFrom(values);
            double minus = loss(model.forward(input, mask).logits().toArray(), weights);
            values[largest] = saved;
            p.copyFrom(values);
            double numeric = (plus - minus) / (2 * eps);
            assertEquals(numeric, analytic[largest], 0.02 * Math.abs(numeric) + 1e-3, parameter + "[" + largest + "]");
            checked++;
        }
        assertEquals(5, checked);
    }

    @Test
    void maskedChannelsIgnoreTheEmbeddingAndMaskedFramesIgnoreTheAudio() {
        Wav2Vec2Model model = new Wav2Vec2Model(BACKEND, RandomCheckpoint.create(RandomCheckpoint.tinyConfig(), 12));
        int width = model.config().hiddenSize();
        float[] input = audio(6000);
        int frames = model.frameCount(input.length);
        boolean[] allFrames = new boolean[frames];
        java.util.Arrays.fill(allFrames, true);
        SpecAugmentMask everyFrame = SpecAugmentMask.ofFrames(allFrames);
        float[] masked = model.forward(input, everyFrame).logits().toArray();
        // Every frame replaced by the embedding: other audio of the same length gives the same logits.
        float[] otherAudio = audio(6000);
        for (int i = 0; i < otherAudio.length; i++) {
            otherAudio[i] = -otherAudio[i];
        }
        assertEquals(0, maxDifference(masked, model.forward(otherAudio, everyFrame).logits().toArray()), 1e-6);
        assertTrue(maxDifference(masked, model.logits(input)) > 1e-3, "masking every frame changes the logits");

        // A zeroed channel's embedding value no longer matters.
        SpecAugmentMask channelsToo = new SpecAugmentMask(allFrames, spans(width, 0));
        float[] before = model.forward(input, channelsToo).logits().toArray();
        Tensor embed = model.parameters().get(Wav2Vec2Model.MASK_EMBEDDING);
        float[] values = embed.toArray();
        values[1] += 5f;
        embed.copyFrom(values);
        assertEquals(0, maxDifference(before, model.forward(input, channelsToo).logits().toArray()), 1e-6);
        assertFalse(maxDifference(masked, model.forward(input, everyFrame).logits().toArray()) < 1e-3,
                "an unzeroed channel's embedding value does matter");
    }

    @Test
    void aMaskOfTheWrongSizeIsRefused() {
        Wav2Vec2Model model = new Wav2Vec2Model(BACKEND, RandomCheckpoint.create(RandomCheckpoint.tinyConfig(), 13));
        float[] input = audio(6000);
        int frames = model.frameCount(input.length);
        assertThrows(IllegalArgumentException.class,
                () -> model.forward(input, SpecAugmentMask.ofFrames(new boolean[frames + 1])));
        assertThrows(IllegalArgumentException.class,
                () -> model.forward(input, new SpecAugmentMask(null, new boolean[model.config().hiddenSize() - 1])));
    }

    private static double maxDifference(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}
