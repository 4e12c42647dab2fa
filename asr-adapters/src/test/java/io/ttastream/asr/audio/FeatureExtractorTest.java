package io.ttastream.asr.audio;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class FeatureExtractorTest {

    @Test
    void zeroMeanUnitVarianceWithPopulationVariance() {
        // mean 2.5, population variance 1.25
        double scale = Math.sqrt(1.25 + 1e-7);
        float[] expected = {(float) (-1.5 / scale), (float) (-0.5 / scale), (float) (0.5 / scale), (float) (1.5 / scale)};
        assertArrayEquals(expected, FeatureExtractor.normalize(new float[]{1, 2, 3, 4}), 1e-6f);
    }

    @Test
    void randomSignalComesOutStandardised() {
        Random random = new Random(3);
        float[] x = new float[16000];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (0.3 + 0.05 * random.nextGaussian());
        }
        float[] y = FeatureExtractor.normalize(x);
        double mean = 0;
        double squares = 0;
        for (float v : y) {
            mean += v;
            squares += v * v;
        }
        assertEquals(0, mean / y.length, 1e-5);
        assertEquals(1, squares / y.length, 1e-4);
    }

    @Test
    void silenceStaysFinite() {
        assertArrayEquals(new float[]{0, 0, 0}, FeatureExtractor.normalize(new float[]{0.2f, 0.2f, 0.2f}), 1e-6f);
        assertArrayEquals(new float[0], FeatureExtractor.normalize(new float[0]));
    }
}
