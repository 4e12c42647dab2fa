package io.ttastream.app;

import io.ttastream.adaptation.data.Manifest;
import io.ttastream.adaptation.model.RandomCheckpoint;
import io.ttastream.adaptation.train.TrainConfig;
import io.ttastream.adaptation.train.Trainer;
import io.ttastream.asr.HuggingFaceCheckpoints;
import io.ttastream.asr.Vocabulary;
import io.ttastream.asr.audio.AudioLoader;
import io.ttastream.asr.audio.FeatureExtractor;
import io.ttastream.kernels.Backend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** Trains a wav2vec2 CTC model from scratch on a manifest and exports it in Hugging Face format. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a wav2vec2 CTC model from scratch (resumes from OUT/checkpoint; exports OUT/model).")
final class TrainCommand implements Callable<Integer> {

    @Option(names = "--manifest", required = true, paramLabel = "TSV", split = ",",
            description = "Training manifests, comma-separated or repeated: their utterances are pooled.")
    List<Path> manifests;

    @Option(names = "--validation", paramLabel = "TSV",
            description = "Validation manifest (default: heldout.tsv beside the first training manifest).")
    Path validation;

    @Option(names = "--config", description = "Training configuration: source or quick. Default: ${DEFAULT-VALUE}.")
    String config = "source";

    @Option(names = "--quick", description = "Shorthand for --config quick (a toy model in minutes).")
    boolean quick;

    @Option(names = "--steps", description = "Override the configuration's number of steps.")
    Integer steps;

    @Option(names = "--limit", description = "Use at most this many training utterances.")
    Integer limit;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
    Path out;

    @Option(names = "--init", paramLabel = "DIR",
            description = "Start from this checkpoint's weights (fresh optimizer and schedule) instead of a random initialisation.")
    Path init;

    @Mixin
    DeviceOptions device;

    @Override
    public Integer call() throws Exception {
        TrainConfig trainConfig = TrainConfig.named(quick ? "quick" : config);
        if (steps != null) {
            trainConfig = trainConfig.withSteps(steps);
        }
        Path validationManifest = validation != null ? validation : manifests.get(0).resolveSibling("heldout.tsv");
        List<Trainer.Example> train = new ArrayList<>();
        for (Path manifest : manifests) {
            train.addAll(load(manifest, limit == null ? null : limit - train.size()));
        }
        List<Trainer.Example> held = Files.isRegularFile(validationManifest)
                ? load(validationManifest, 100) : train.subList(0, Math.min(20, train.size()));
        try (Backend backend = device.backend()) {
            System.err.printf("train: %d training and %d validation utterances, config %s, %d steps of %d, on %s%n",
                    train.size(), held.size(), quick ? "quick" : config, trainConfig.steps(), trainConfig.batchSize(),
                    backend.name());
            new Trainer(backend, trainConfig, train, held, out, System.err).train(init != null
                    ? HuggingFaceCheckpoints.load(init) : RandomCheckpoint.create(trainConfig.model(), trainConfig.seed()));
        }
        return 0;
    }

    private static List<Trainer.Example> load(Path manifestFile, Integer limit) throws Exception {
        Vocabulary vocabulary = Vocabulary.base960h();
        // Redrawn in place on a terminal; one line each in a log file.
        boolean console = System.console() != null;
        List<Trainer.Example> examples = new ArrayList<>();
        for (Manifest.Entry entry : Manifest.read(manifestFile).entries()) {
            if (limit != null && examples.size() >= limit) {
                break;
            }
            float[] input = FeatureExtractor.normalize(AudioLoader.load16k(entry.audio()));
            examples.add(new Trainer.Example(input, entry.reference(), Trainer.encode(entry.reference(), vocabulary)));
            if (examples.size() % 500 == 0) {
                System.err.printf(console ? "\rtrain: loaded %d utterances from %s" : "train: loaded %d utterances from %s%n",
                        examples.size(), manifestFile);
            }
        }
        if (console) {
            System.err.println();
        }
        return examples;
    }
}
