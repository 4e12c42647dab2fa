package io.ttastream.app;

import io.ttastream.adaptation.data.Manifest;
import io.ttastream.adaptation.metrics.ErrorRate;
import io.ttastream.adaptation.model.RandomCheckpoint;
import io.ttastream.adaptation.strategy.Strategy;
import io.ttastream.asr.Checkpoint;
import io.ttastream.asr.HuggingFaceCheckpoints;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The main job on the embedded default: transcribes the demo audio (real read speech from the
 * shared data, with real noise mixed in) with the bundled source model, without adaptation and
 * with SUTA, and prints both WERs. It grows into the streaming demo (embedded broker, metrics)
 * as those parts land.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Transcribe and adapt the demo audio with the bundled model; print source vs SUTA WER.")
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--model", paramLabel = "DIR", description = "Checkpoint directory (default: models/source).")
    Path model;

    @Option(names = "--manifest", paramLabel = "TSV",
            description = "Demo manifest (default: ../shared/data/speech/ljspeech.tsv).")
    Path manifest;

    @Option(names = "--limit", description = "Utterances to transcribe. Default: ${DEFAULT-VALUE}.")
    int limit = 5;

    @Mixin
    AdaptationOptions adaptation;

    @Override
    public Integer call() throws Exception {
        Path manifestPath = manifest != null ? manifest : Home.path("..", "shared", "data", "speech", "ljspeech.tsv");
        if (adaptation.noise == null) {
            adaptation.noise = Home.path("..", "shared", "data", "noise", "background", "running_tap.wav");
        }
        adaptation.strategies = List.of("source", "suta");
        List<Manifest.Entry> entries = Manifest.read(manifestPath).entries();
        entries = entries.subList(0, Math.min(limit, entries.size()));
        try (Recogniser recogniser = new Recogniser(checkpoint(), Runtime.getRuntime().availableProcessors())) {
            List<Strategy> strategies = adaptation.create(recogniser);
            List<ErrorRate> errors = new ArrayList<>();
            strategies.forEach(s -> errors.add(new ErrorRate()));
            System.out.printf("tta demo: %d utterances from %s, %s, on %s%n%n", entries.size(), manifestPath,
                    adaptation.corruption(), recogniser.device());
            for (Manifest.Entry entry : entries) {
                float[] input = adaptation.inputValues(entry.audio());
                System.out.printf("%s (%.1f s)%n  REF:    %s%n", entry.audio().getFileName(), input.length / 16000.0,
                        entry.reference());
                for (int s = 0; s < strategies.size(); s++) {
                    long start = System.nanoTime();
                    Strategy.Outcome outcome = strategies.get(s).process(input);
                    double seconds = (System.nanoTime() - start) / 1e9;
                    ErrorRate.Edits edits = errors.get(s).add(entry.reference(), outcome.text());
                    System.out.printf("  %-7s %s%n          (WER %.0f%%, entropy %.3f -> %.3f, %.2f s)%n",
                            strategies.get(s).name() + ":", outcome.text(), 100 * edits.rate(), outcome.entropyBefore(),
                            outcome.entropyAfter(), seconds);
                }
            }
            System.out.println();
            for (int s = 0; s < strategies.size(); s++) {
                System.out.printf("%-7s WER %.1f%%  CER %.1f%%%n", strategies.get(s).name(), 100 * errors.get(s).wer(),
                        100 * errors.get(s).cer());
            }
        }
        return 0;
    }

    private Checkpoint checkpoint() throws Exception {
        Path dir = model != null ? model : Home.path("models", "source");
        if (Files.isDirectory(dir)) {
            System.out.println("model: " + dir);
            return HuggingFaceCheckpoints.load(dir);
        }
        System.out.println("model: no trained source model is bundled yet (" + dir + " is missing);");
        System.out.println("       running the real pipeline on a randomly initialised tiny wav2vec2,");
        System.out.println("       so the transcripts below are noise until the source model lands.");
        return RandomCheckpoint.create(RandomCheckpoint.tinyConfig(), 1);
    }
}
