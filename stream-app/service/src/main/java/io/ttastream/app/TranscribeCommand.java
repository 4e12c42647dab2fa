package io.ttastream.app;

import io.ttastream.adaptation.strategy.Strategy;
import io.ttastream.app.cli.DecoderOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** One transcript per audio file (per strategy when several are named). */
@Command(name = "transcribe", mixinStandardHelpOptions = true,
        description = "Transcribe audio files (WAV: PCM 16/24/32-bit or float, any rate, mono or stereo).")
final class TranscribeCommand implements Callable<Integer> {

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    AdaptationOptions adaptation;

    @Mixin
    DecoderOptions decoding;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "Audio files.")
    List<Path> files;

    @Override
    public Integer call() throws Exception {
        int failures = 0;
        try (Recogniser recogniser = Recogniser.load(modelOptions.modelDirectory(), modelOptions.backend())) {
            List<Strategy> strategies = adaptation.create(recogniser, adaptation.strategiesOr(List.of("source")), decoding);
            for (Path file : files) {
                try {
                    float[] input = adaptation.inputValues(file);
                    for (Strategy strategy : strategies) {
                        String prefix = strategies.size() > 1 ? strategy.name() + "\t" : "";
                        System.out.println(prefix + file + "\t" + strategy.process(input).text());
                    }
                } catch (Exception e) {
                    System.err.println("tta transcribe: " + file + ": "
                            + (e instanceof NoSuchFileException ? "no such file" : e.getMessage()));
                    failures++;
                }
            }
        }
        return failures == 0 ? 0 : 1;
    }
}
