package io.ttastream.app;

import io.ttastream.adaptation.Transcriber;
import io.ttastream.adaptation.data.Manifest;
import io.ttastream.adaptation.metrics.ErrorRate;
import io.ttastream.adaptation.model.RandomCheckpoint;
import io.ttastream.adaptation.model.Wav2Vec2Model;
import io.ttastream.asr.Checkpoint;
import io.ttastream.asr.HuggingFaceCheckpoints;
import io.ttastream.asr.audio.AudioLoader;
import io.ttastream.kernels.CpuBackend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The main job on the embedded default: transcribes the demo audio (real read speech from the
 * shared data) with the bundled source model and reports WER. It grows into the streaming demo
 * (embedded broker, adaptation, metrics) as those parts land.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Transcribe the demo audio with the bundled model and print the WER.")
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--model", paramLabel = "DIR", description = "Checkpoint directory (default: models/source).")
    Path model;

    @Option(names = "--manifest", paramLabel = "TSV",
            description = "Demo manifest (default: ../shared/data/speech/ljspeech.tsv).")
    Path manifest;

    @Option(names = "--limit", description = "Utterances to transcribe. Default: ${DEFAULT-VALUE}.")
    int limit = 5;

    @Override
    public Integer call() throws Exception {
        Path manifestPath = manifest != null ? manifest : Home.path("..", "shared", "data", "speech", "ljspeech.tsv");
        List<Manifest.Entry> entries = Manifest.read(manifestPath).entries();
        entries = entries.subList(0, Math.min(limit, entries.size()));
        try (CpuBackend backend = new CpuBackend()) {
            Transcriber transcriber = new Transcriber(new Wav2Vec2Model(backend, checkpoint()));
            ErrorRate errors = new ErrorRate();
            System.out.printf("tta demo: %d utterances from %s on %s%n%n", entries.size(), manifestPath, backend.name());
            for (Manifest.Entry entry : entries) {
                float[] audio = AudioLoader.load16k(entry.audio());
                long start = System.nanoTime();
                String text = transcriber.transcribe(audio).text();
                double seconds = (System.nanoTime() - start) / 1e9;
                ErrorRate.Edits edits = errors.add(entry.reference(), text);
                System.out.printf("%s (%.1f s audio, %.2f s compute, WER %.0f%%)%n  REF: %s%n  HYP: %s%n",
                        entry.audio().getFileName(), audio.length / 16000.0, seconds, 100 * edits.rate(),
                        entry.reference(), text);
            }
            System.out.printf("%nWER %.1f%%  CER %.1f%% over %d utterances%n", 100 * errors.wer(), 100 * errors.cer(),
                    errors.utterances());
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
