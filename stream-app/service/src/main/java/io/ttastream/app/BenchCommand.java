package io.ttastream.app;

import io.ttastream.adaptation.bench.ProgressBar;
import io.ttastream.adaptation.bench.Report;
import io.ttastream.adaptation.bench.StreamBuilder;
import io.ttastream.adaptation.bench.StreamItem;
import io.ttastream.adaptation.bench.StreamSpec;
import io.ttastream.adaptation.metrics.ErrorRate;
import io.ttastream.adaptation.strategy.ContinualStrategy;
import io.ttastream.adaptation.strategy.Strategy;
import io.ttastream.app.cli.DecoderOptions;
import io.ttastream.asr.audio.FeatureExtractor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Every strategy over the same multi-domain stream (Dynamic SUTA's MD-Long manner or fixed blocks),
 * each on its own model copy: WER per strategy and domain, real-time factor, resets and slow updates,
 * and the WER-over-time plot. The stream and its corruptions are reproducible from the spec's seed.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Compare TTA strategies on a multi-domain stream: WER table (markdown + CSV) and WER-over-time plot (PNG + HTML).")
final class BenchCommand implements Callable<Integer> {

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    AdaptationOptions adaptation;

    @Mixin
    DecoderOptions decoding;

    @Option(names = "--strategies", split = ",", paramLabel = "NAME",
            description = "Strategies to compare. Default: source,suta,csuta,dsuta.")
    List<String> strategies = List.of("source", "suta", "csuta", "dsuta");

    @Option(names = "--stream", required = true, paramLabel = "SPEC",
            description = "Stream spec, e.g. md-long:manifest=../shared/data/speech/ljspeech.tsv,domains=AC+BA+GS+reverb+telephone,length=300,min=5,max=40,seed=1 "
                    + "or blocks:manifest=...,domains=AC+GS,block=20,repeat=3 (grammar: StreamSpec).")
    String stream;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder for report.md, report.csv, events.csv (resets, slow updates, drift statistics), wer-over-time.png/.html.")
    Path out;

    @Option(names = "--window", description = "Moving-window size of the WER curve. Default: ${DEFAULT-VALUE}.")
    int window = Report.DEFAULT_WINDOW;

    @Override
    public Integer call() throws Exception {
        List<StreamItem> items = StreamBuilder.build(StreamSpec.parse(stream));
        List<Report.UtteranceResult> results = new ArrayList<>();
        List<Report.Event> events = new ArrayList<>();
        try (Recogniser recogniser = Recogniser.load(modelOptions.modelDirectory(), modelOptions.backend())) {
            List<Strategy> runs = adaptation.create(recogniser, strategies, decoding);
            System.err.printf("bench: %d utterances, strategies %s, on %s, %s%n", items.size(), strategies, recogniser.device(),
                    adaptation.describe(recogniser.adaptationDefaults(), strategies));
            ProgressBar progress = new ProgressBar(items.size());
            for (StreamItem item : items) {
                float[] samples = item.audio();
                float[] input = FeatureExtractor.normalize(samples);
                double audioSeconds = samples.length / 16000.0;
                for (Strategy strategy : runs) {
                    long start = System.nanoTime();
                    Strategy.Outcome outcome = strategy.process(input);
                    double seconds = (System.nanoTime() - start) / 1e9;
                    results.add(new Report.UtteranceResult(item.index(), strategy.name(), item.domain(),
                            ErrorRate.wordEdits(item.utterance().reference(), outcome.text()),
                            ErrorRate.charEdits(item.utterance().reference(), outcome.text()), seconds, audioSeconds));
                    for (Strategy.Event e : outcome.events()) {
                        events.add(new Report.Event(item.index(), strategy.name(), e.kind(), e.reason(), e.statistic()));
                    }
                }
                progress.update(item.index() + 1);
            }
        }
        Report report = new Report(results, events, ContinualStrategy.SHIFT_THRESHOLD);
        Files.createDirectories(out);
        List<Path> written = report.writeAll(out, window);
        System.out.println(report.markdown());
        written.forEach(p -> System.out.println("wrote " + p));
        return 0;
    }
}
