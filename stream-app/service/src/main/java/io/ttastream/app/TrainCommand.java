package io.ttastream.app;

import io.ttastream.adaptation.data.Manifest;
import io.ttastream.adaptation.model.RandomCheckpoint;
import io.ttastream.adaptation.train.LayerGrowth;
import io.ttastream.adaptation.train.TrainConfig;
import io.ttastream.adaptation.train.Trainer;
import io.ttastream.asr.Checkpoint;
import io.ttastream.asr.HuggingFaceCheckpoints;
import io.ttastream.asr.Vocabulary;
import io.ttastream.asr.audio.AudioLoader;
import io.ttastream.asr.audio.FeatureExtractor;
import io.ttastream.kernels.Backend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** Trains a wav2vec2 CTC model from scratch on a manifest and exports it in Hugging Face format. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a wav2vec2 CTC model from scratch (resumes from OUT/checkpoint; exports OUT/model).")
final class TrainCommand implements Callable<Integer> {

    @Option(names = "--manifest", required = true, paramLabel = "TSV", split = ",",
            description = "Training manifests, comma-separated or repeated: their utterances are pooled.")
    List<Path> manifests;

    @Option(names = "--validation", paramLabel = "TSV",
            description = "Validation manifest (default: dev.tsv beside the first training manifest, the second half of"
                    + " its held-out set that tta synth writes, else heldout.tsv there).")
    Path validation;

    @Option(names = "--config", description = "Training configuration: source or quick. Default: ${DEFAULT-VALUE}.")
    String config = "source";

    @Option(names = "--quick", description = "Shorthand for --config quick (a toy model in minutes).")
    boolean quick;

    @Option(names = "--steps", description = "Override the configuration's number of steps.")
    Integer steps;

    @Option(names = "--peak-lr", paramLabel = "LR",
            description = "Override the configuration's peak learning rate (reached after warm-up, then decayed "
                    + "linearly to 0 at the last step).")
    Double peakLr;

    @Option(names = "--mask-feature-prob", paramLabel = "P",
            description = "SpecAugment channel masking: the fraction of the projected features' channels that start a "
                    + "zeroed span of the configuration's length, the same channels in every frame (Hugging Face's "
                    + "mask_feature_prob). Default: the configuration's (0, off).")
    Double maskFeatureProb;

    @Option(names = "--seed", paramLabel = "N",
            description = "Seed of the data order, speed perturbation, band limiting and masks (a run resumed from its "
                    + "checkpoint needs the same one). Default: the configuration's (source: 1234).")
    Long seed;

    @Option(names = "--limit", description = "Use at most this many training utterances.")
    Integer limit;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
    Path out;

    @Option(names = "--init", paramLabel = "DIR",
            description = "Start from this checkpoint's weights (fresh optimizer and schedule) instead of a random initialisation.")
    Path init;

    @Option(names = "--grow-layers", paramLabel = "N",
            description = "Deepen the --init model to N transformer layers (a multiple of its own) before training: "
                    + "each layer is followed by copies whose output projections are zero, so training starts from "
                    + "the same logits (pre-LN models only).")
    Integer growLayers;

    @Option(names = "--freeze-feature-encoder",
            description = "Keep the CNN feature encoder's weights as they are (Hugging Face's freeze_feature_encoder): "
                    + "from a trained --init model, steps cost far less without the CNN's backward.")
    boolean freezeFeatureEncoder;

    @Mixin
    DeviceOptions device;

    @Override
    public Integer call() throws Exception {
        TrainConfig trainConfig = TrainConfig.named(quick ? "quick" : config);
        if (steps != null) {
            trainConfig = trainConfig.withSteps(steps);
        }
        if (peakLr != null) {
            trainConfig = trainConfig.withPeakLr(peakLr);
        }
        if (maskFeatureProb != null) {
            trainConfig = trainConfig.withFeatureMasking(maskFeatureProb);
        }
        if (seed != null) {
            trainConfig = trainConfig.withSeed(seed);
        }
        trainConfig = trainConfig.withFrozenFeatureEncoder(freezeFeatureEncoder);
        if (init == null && (growLayers != null || freezeFeatureEncoder)) {
            throw new IllegalArgumentException(
                    "--grow-layers and --freeze-feature-encoder need a trained model to start from (--init DIR)");
        }
        Path validationManifest = validation != null ? validation : defaultValidation(manifests.get(0));
        for (Path manifest : manifests) {
            Manifest.read(manifest).requireAudio(); // a missing file stops the run now, not after minutes of loading
        }
        List<Trainer.Example> train = new ArrayList<>();
        try {
            for (Path manifest : manifests) {
                load(manifest, limit == null ? null : limit - train.size(), train);
            }
        } catch (OutOfMemoryError e) {
            throw outOfHeap(train);
        }
        List<Trainer.Example> held = train.subList(0, Math.min(20, train.size()));
        if (Files.isRegularFile(validationManifest)) {
            held = new ArrayList<>();
            load(validationManifest, 100, held);
        }
        try (Backend backend = device.backend()) {
            System.err.printf("train: %d training and %d validation utterances, config %s, %d steps of %d, "
                            + "peak lr %.1e, masking %.2f of frames and %.2f of channels%s, on %s%n",
                    train.size(), held.size(), quick ? "quick" : config, trainConfig.steps(), trainConfig.batchSize(),
                    trainConfig.peakLr(), trainConfig.maskTimeProb(), trainConfig.maskFeatureProb(),
                    freezeFeatureEncoder ? ", feature encoder frozen" : "", backend.name());
            Checkpoint initial = init != null
                    ? HuggingFaceCheckpoints.load(init) : RandomCheckpoint.create(trainConfig.model(), trainConfig.seed());
            if (growLayers != null) {
                initial = LayerGrowth.deepen(initial, growLayers);
            }
            new Trainer(backend, trainConfig, train, held, out, System.err).train(initial);
        }
        return 0;
    }

    /** dev.tsv beside a training manifest, where tta synth writes it, else the whole held-out set there. */
    static Path defaultValidation(Path trainingManifest) {
        Path dev = trainingManifest.resolveSibling("dev.tsv");
        return Files.isRegularFile(dev) ? dev : trainingManifest.resolveSibling("heldout.tsv");
    }

    /** Adds at most {@code limit} (null: every) utterance of the manifest to {@code examples}, held in memory. */
    private static void load(Path manifestFile, Integer limit, List<Trainer.Example> examples) throws Exception {
        Vocabulary vocabulary = Vocabulary.base960h();
        // Redrawn in place on a terminal; one line each in a log file.
        boolean console = System.console() != null;
        int loaded = 0;
        for (Manifest.Entry entry : Manifest.read(manifestFile).entries()) {
            if (limit != null && loaded >= limit) {
                break;
            }
            float[] input = FeatureExtractor.normalize(AudioLoader.load16k(entry.audio()));
            examples.add(Trainer.Example.of(input, entry.reference(), Trainer.encode(entry.reference(), vocabulary)));
            loaded++;
            if (loaded % 500 == 0) {
                System.err.printf(console ? "\rtrain: loaded %d utterances from %s" : "train: loaded %d utterances from %s%n",
                        loaded, manifestFile);
            }
        }
        if (console) {
            System.err.println();
        }
    }

    /**
     * The training audio is held in memory as 16-bit samples (Trainer.Example): when it does not fit, say how much the manifests need (projected
     * from what was loaded) and how to give the JVM that much, instead of a bare OutOfMemoryError.
     */
    private IllegalStateException outOfHeap(List<Trainer.Example> loaded) throws IOException {
        int count = loaded.size();
        long samples = loaded.stream().mapToLong(Trainer.Example::length).sum();
        loaded.clear(); // the heap back, for what follows
        int wanted = 0;
        for (Path manifest : manifests) {
            wanted += Manifest.read(manifest).entries().size();
        }
        if (limit != null) {
            wanted = Math.min(wanted, limit);
        }
        double gib = 1024.0 * 1024 * 1024;
        double heldGib = Short.BYTES * samples / gib;
        double neededGib = count == 0 ? heldGib : heldGib * wanted / count;
        return new IllegalStateException(String.format(Locale.ROOT,
                "out of memory after loading %d of %d training utterances (%.2f GiB of audio as 16-bit samples; this JVM may use"
                        + " %.2f GiB). All of them need about %.1f GiB of heap plus the model's: give the JVM more, e.g."
                        + " TTA_JAVA_OPTS=-Xmx%dg bin/tta train ..., or train on fewer (--limit N)",
                count, wanted, heldGib, Runtime.getRuntime().maxMemory() / gib, neededGib,
                (int) Math.ceil(neededGib * 1.25) + 2));
    }
}
