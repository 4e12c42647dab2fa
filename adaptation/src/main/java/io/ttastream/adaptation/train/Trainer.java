package io.ttastream.adaptation.train;

import io.ttastream.adaptation.bench.Corruption;
import io.ttastream.adaptation.decode.GreedyCtcDecoder;
import io.ttastream.adaptation.loss.CtcLoss;
import io.ttastream.adaptation.metrics.ErrorRate;
import io.ttastream.adaptation.model.Gradients;
import io.ttastream.adaptation.model.ParameterGroups;
import io.ttastream.adaptation.model.SpecAugmentMask;
import io.ttastream.adaptation.model.Wav2Vec2Model;
import io.ttastream.adaptation.optim.AdamW;
import io.ttastream.asr.Checkpoint;
import io.ttastream.asr.HostTensor;
import io.ttastream.asr.HuggingFaceCheckpoints;
import io.ttastream.asr.Safetensors;
import io.ttastream.asr.Vocabulary;
import io.ttastream.asr.audio.FeatureExtractor;
import io.ttastream.kernels.Backend;
import io.ttastream.kernels.Tensor;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * Supervised CTC training of a wav2vec2 model from scratch: AdamW with warm-up and linear decay,
 * global gradient-norm clipping, speed perturbation, random band limiting, SpecAugment time and channel masking,
 * periodic validation (CER/WER) with a progress line, checkpoints it resumes from, and a Hugging Face export of the
 * final weights.
 *
 * <p>A step sums the gradients of {@code batchSize} utterances, each forwarded on its own (no
 * padding), which equals a padded batch's gradient under CTC's "mean" reduction.
 */
public final class Trainer {
    /**
     * One training utterance: its normalised 16 kHz samples, held as 16-bit integers times {@code scale} (half the
     * memory of floats, so a trainer holds twice the corpus), its reference and the reference's token ids.
     */
    public record Example(short[] quantized, float scale, String text, int[] targets) {
        /**
         * Quantizes {@code inputValues} to 16 bits over its peak: each sample moves by at most peak / 65534, about
         * 1e-4 of the unit standard deviation for a typical utterance, far below any recording's noise.
         */
        public static Example of(float[] inputValues, String text, int[] targets) {
            float peak = 0;
            for (float x : inputValues) {
                peak = Math.max(peak, Math.abs(x));
            }
            float scale = peak > 0 ? peak / Short.MAX_VALUE : 1;
            short[] quantized = new short[inputValues.length];
            for (int i = 0; i < quantized.length; i++) {
                quantized[i] = (short) Math.round(inputValues[i] / scale);
            }
            return new Example(quantized, scale, text, targets);
        }

        /** The normalised samples the model takes, back as floats. */
        public float[] inputValues() {
            float[] values = new float[quantized.length];
            for (int i = 0; i < values.length; i++) {
                values[i] = quantized[i] * scale;
            }
            return values;
        }

        /** Samples held. */
        public int length() {
            return quantized.length;
        }
    }

    /** Validation scores at a step. */
    public record Validation(int step, double cer, double wer) {
    }

    private static final String CHECKPOINT = "checkpoint";
    private static final String OPTIMIZER_FILE = "optimizer.safetensors";
    private static final String STATE_FILE = "trainer.properties";

    private final Backend backend;
    private final TrainConfig config;
    private final List<Example> train;
    private final List<Example> validation;
    private final Path outDir;
    private final PrintStream progress;
    /** The shuffled order of {@link #train} for {@link #orderEpoch}, kept so a step does not reshuffle per example. */
    private List<Integer> order = List.of();
    private int orderEpoch = -1;

    public Trainer(Backend backend, TrainConfig config, List<Example> train, List<Example> validation, Path outDir,
                   PrintStream progress) {
        if (train.isEmpty()) {
            throw new IllegalArgumentException("no training utterances");
        }
        this.backend = backend;
        this.config = config;
        this.train = List.copyOf(train);
        this.validation = List.copyOf(validation);
        this.outDir = outDir;
        this.progress = progress;
    }

    /** The CTC targets of a reference: characters by id, spaces as the word delimiter, others dropped. */
    public static int[] encode(String text, Vocabulary vocabulary) {
        List<Integer> ids = new ArrayList<>();
        for (char c : ErrorRate.normalize(text).toCharArray()) {
            String token = c == ' ' ? Vocabulary.WORD_DELIMITER : String.valueOf(c);
            if (vocabulary.contains(token)) {
                ids.add(vocabulary.id(token));
            }
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Trains from {@code initial} (or resumes from the checkpoint in the output folder), exports
     * the final model to {@code out/model} and returns the validation history.
     */
    public List<Validation> train(Checkpoint initial) throws IOException {
        Path checkpointDir = outDir.resolve(CHECKPOINT);
        boolean resume = Files.isRegularFile(checkpointDir.resolve(STATE_FILE));
        Checkpoint start = resume ? HuggingFaceCheckpoints.load(checkpointDir) : initial;
        Wav2Vec2Model model = new Wav2Vec2Model(backend, start);
        List<String> trained = new ArrayList<>(ParameterGroups.select(List.of(ParameterGroups.ALL), model.config(),
                model.parameters().names()));
        if (config.freezeFeatureEncoder()) {
            trained.removeIf(name -> name.startsWith(Wav2Vec2Model.FEATURE_ENCODER_PREFIX));
        }
        if (config.maskTimeProb() > 0) {
            trained.add(Wav2Vec2Model.MASK_EMBEDDING);
        }
        Gradients gradients = new Gradients(backend, model.parameters(), trained);
        AdamW optimizer = new AdamW(backend, new AdamW.Config(config.peakLr(), 0.9, 0.98, 1e-8, config.weightDecay()));
        int firstStep = 0;
        if (resume) {
            java.util.Properties state = new java.util.Properties();
            try (var in = Files.newInputStream(checkpointDir.resolve(STATE_FILE))) {
                state.load(in);
            }
            firstStep = Integer.parseInt(state.getProperty("step"));
            Map<String, float[]> moments = new LinkedHashMap<>();
            Safetensors.read(checkpointDir.resolve(OPTIMIZER_FILE)).forEach((k, v) -> moments.put(k, v.data()));
            optimizer.restore(moments, model.parameters(), firstStep);
            progress.printf("train: resuming at step %d from %s%n", firstStep, checkpointDir);
        }

        CtcLoss ctc = new CtcLoss(model.vocabulary().blankId(), true);
        List<Validation> history = new ArrayList<>();
        long started = System.nanoTime();
        double lossSum = 0;
        int lossCount = 0;
        for (int step = firstStep; step < config.steps(); step++) {
            optimizer.setLearningRate(config.learningRate(step));
            gradients.zero();
            // Scrambled: java.util.Random's first draws for consecutive seeds are nearly equal.
            Random random = new Random(new SplittableRandom(config.seed() * 1_000_003L + step).nextLong());
            for (int b = 0; b < config.batchSize(); b++) {
                Example example = exampleAt((long) step * config.batchSize() + b);
                float[] input = limitBand(perturbSpeed(example.inputValues(), config.speedPerturbation(), random),
                        config.bandLimitProb(), random);
                int frames = model.frameCount(input.length);
                SpecAugmentMask mask = new SpecAugmentMask(
                        maskedSpans(frames, config.maskTimeProb(), config.maskTimeLength(), random),
                        maskedSpans(model.config().hiddenSize(), config.maskFeatureProb(), config.maskFeatureLength(),
                                random));
                Wav2Vec2Model.Activations a = model.forward(input, mask);
                CtcLoss.Result r = ctc.compute(a.logits().toArray(), frames, model.vocabulary().size(), example.targets());
                if (!r.reachable()) {
                    continue; // too short for its transcript: nothing to learn from it
                }
                double weight = 1.0 / (Math.max(1, example.targets().length) * config.batchSize());
                float[] dLogits = r.gradLogits();
                for (int i = 0; i < dLogits.length; i++) {
                    dLogits[i] *= (float) weight;
                }
                model.backward(a, backend.fromArray(dLogits, a.logits().shape()), gradients);
                lossSum += r.nll() / Math.max(1, example.targets().length);
                lossCount++;
            }
            double norm = clip(gradients);
            if (Double.isFinite(norm)) {
                optimizer.step(model.parameters(), gradients);
            } else {
                progress.printf("train: step %d skipped, non-finite gradient%n", step);
            }
            int done = step + 1;
            if (done % Math.max(1, config.validateEvery() / 10) == 0 || done == config.steps()) {
                double elapsed = (System.nanoTime() - started) / 1e9;
                double perStep = elapsed / (done - firstStep);
                progress.printf("train: step %d/%d  loss %.4f  lr %.2e  |g| %.3f  %.2f s/step  ETA %s%n", done,
                        config.steps(), lossSum / Math.max(1, lossCount), config.learningRate(step), norm, perStep,
                        duration(perStep * (config.steps() - done)));
                lossSum = 0;
                lossCount = 0;
            }
            if (done % config.validateEvery() == 0 || done == config.steps()) {
                Validation v = validate(model, done);
                history.add(v);
                progress.printf("train: validation at step %d: CER %.2f%%  WER %.2f%% (%d utterances)%n", done,
                        100 * v.cer(), 100 * v.wer(), validation.size());
                saveCheckpoint(model, optimizer, done, checkpointDir);
            }
        }
        Path export = outDir.resolve("model");
        HuggingFaceCheckpoints.save(snapshot(model), export, Safetensors.DType.F32);
        progress.printf("train: exported %s%n", export);
        return history;
    }

    /** The example for a global position: each epoch visits every utterance once, in a seeded order. */
    private Example exampleAt(long position) {
        int epoch = (int) (position / train.size());
        if (epoch != orderEpoch) {
            List<Integer> shuffled = new ArrayList<>();
            for (int i = 0; i < train.size(); i++) {
                shuffled.add(i);
            }
            Collections.shuffle(shuffled, new Random(config.seed() + epoch));
            order = shuffled;
            orderEpoch = epoch;
        }
        return train.get(order.get((int) (position % train.size())));
    }

    /**
     * The utterance played at a random speed within 1 +- {@code perturbation}, rounded to 1/100 so the resampler
     * needs at most 100 filter phases; the input itself when the perturbation is 0.
     */
    static float[] perturbSpeed(float[] input, double perturbation, Random random) {
        if (perturbation <= 0) {
            return input;
        }
        double factor = Math.round(100 * (1 + perturbation * (2 * random.nextDouble() - 1))) / 100.0;
        return factor == 1.0 ? input : Corruption.Speed.playAt(input, factor);
    }

    /**
     * With probability {@code probability}, the utterance low-passed at a random cutoff in the band-limiting range
     * ({@link TrainConfig#bandLimitProb}) and normalised again, as the feature extractor would normalise band-limited
     * audio; otherwise the input itself.
     */
    static float[] limitBand(float[] input, double probability, Random random) {
        if (probability <= 0 || random.nextDouble() >= probability) {
            return input;
        }
        double cutoffHz = TrainConfig.BAND_LIMIT_MIN_HZ
                + (TrainConfig.BAND_LIMIT_MAX_HZ - TrainConfig.BAND_LIMIT_MIN_HZ) * random.nextDouble();
        return FeatureExtractor.normalize(new Corruption.LowPass(cutoffHz).apply(input, 0));
    }

    /**
     * A SpecAugment mask over {@code length} frames or channels (Hugging Face's _compute_mask_indices): about
     * {@code prob * length / span} spans of {@code span} entries, rounded at random, starting anywhere, overlaps
     * allowed; null when masking is off or the axis is no longer than one span.
     */
    static boolean[] maskedSpans(int length, double prob, int span, Random random) {
        if (prob <= 0 || length <= span) {
            return null;
        }
        boolean[] mask = new boolean[length];
        int spans = (int) (prob * length / span + random.nextDouble());
        for (int s = 0; s < spans; s++) {
            int start = random.nextInt(length - span);
            for (int i = start; i < start + span; i++) {
                mask[i] = true;
            }
        }
        return mask;
    }

    /** Scales the gradients to at most clipNorm in global L2 norm; returns the norm before clipping. */
    private double clip(Gradients gradients) {
        double norm = Math.sqrt(backend.sumOfSquares(List.copyOf(gradients.asMap().values())));
        if (Double.isFinite(norm) && norm > config.clipNorm()) {
            for (Tensor g : gradients.asMap().values()) {
                backend.scale(g, g, (float) (config.clipNorm() / norm));
            }
        }
        return norm;
    }

    private Validation validate(Wav2Vec2Model model, int step) {
        GreedyCtcDecoder decoder = new GreedyCtcDecoder(model.vocabulary());
        ErrorRate errors = new ErrorRate();
        for (Example example : validation) {
            errors.add(example.text(), decoder.decode(model.logits(example.inputValues())));
        }
        return new Validation(step, errors.cer(), errors.wer());
    }

    private void saveCheckpoint(Wav2Vec2Model model, AdamW optimizer, int step, Path dir) throws IOException {
        // Write beside, then swap, so a crash mid-save leaves the previous checkpoint whole.
        Path next = dir.resolveSibling(CHECKPOINT + ".next");
        HuggingFaceCheckpoints.save(snapshot(model), next, Safetensors.DType.F32);
        Map<String, HostTensor> moments = new LinkedHashMap<>();
        optimizer.state().forEach((k, t) -> moments.put(k, new HostTensor(t.shape(), t.toArray())));
        Safetensors.write(next.resolve(OPTIMIZER_FILE), moments, Safetensors.DType.F32);
        Files.writeString(next.resolve(STATE_FILE), "step=" + step + "\n");
        Path old = dir.resolveSibling(CHECKPOINT + ".old");
        deleteRecursively(old);
        if (Files.exists(dir)) {
            Files.move(dir, old);
        }
        Files.move(next, dir);
        deleteRecursively(old);
    }

    private static Checkpoint snapshot(Wav2Vec2Model model) {
        return new Checkpoint(model.config(), model.vocabulary(), model.parameters().download(model.parameters().names()));
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (var walk = Files.walk(path)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static String duration(double seconds) {
        long s = Math.round(seconds);
        return String.format("%dh%02dm%02ds", s / 3600, s / 60 % 60, s % 60);
    }
}
