package io.ttastream.app;

import io.ttastream.adaptation.model.RandomCheckpoint;
import io.ttastream.asr.HuggingFaceCheckpoints;
import io.ttastream.asr.Wav2Vec2Config;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.util.Arrays;
import java.util.Random;

/** What the side-by-side benchmarks share: repeats, threads, the PyTorch switch, inputs and timing. */
final class BenchOptions {

    @Option(names = "--repeats", description = "Timed repeats after one warm-up. Default: ${DEFAULT-VALUE}.")
    int repeats = 3;

    @Option(names = "--threads", description = "Threads for both implementations (default: all cores).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--no-torch", description = "Skip the PyTorch side.")
    boolean noTorch;

    /**
     * A named architecture: tiny, source (the committed model's, from models/source/config.json, so the numbers are
     * those of the model users run) or base (wav2vec2-base).
     */
    static Wav2Vec2Config architecture(String name) throws IOException {
        return switch (name) {
            case "base" -> Wav2Vec2Config.base960h();
            case "source" -> HuggingFaceCheckpoints.readConfig(
                    Home.path("models", "source", HuggingFaceCheckpoints.CONFIG_FILE));
            case "tiny" -> RandomCheckpoint.tinyConfig();
            default -> throw new IllegalArgumentException("configuration must be tiny, source or base, not " + name);
        };
    }

    /** Seeded Gaussian noise standing in for normalised speech (speed does not depend on content). */
    static float[] randomAudio(double seconds) {
        float[] audio = new float[(int) Math.round(seconds * 16000)];
        Random random = new Random(7);
        for (int i = 0; i < audio.length; i++) {
            audio[i] = (float) random.nextGaussian();
        }
        return audio;
    }

    /** One warm-up run, then the median wall time of {@link #repeats} runs. */
    double medianSeconds(Runnable work) {
        work.run();
        double[] times = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long start = System.nanoTime();
            work.run();
            times[i] = (System.nanoTime() - start) / 1e9;
            System.err.printf("  java run %d/%d: %.3f s%n", i + 1, repeats, times[i]);
        }
        Arrays.sort(times);
        return times[repeats / 2];
    }
}
