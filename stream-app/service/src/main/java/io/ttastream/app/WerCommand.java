package io.ttastream.app;

import io.ttastream.adaptation.data.Manifest;
import io.ttastream.adaptation.metrics.ErrorRate;
import io.ttastream.asr.audio.AudioLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** WER and CER of the recogniser over a manifest of utterances with references. */
@Command(name = "wer", mixinStandardHelpOptions = true,
        description = "Word and character error rate over a manifest (path<TAB>REFERENCE per line).")
final class WerCommand implements Callable<Integer> {

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--manifest", required = true, paramLabel = "TSV", description = "The manifest.")
    Path manifest;

    @Option(names = "--verbose", description = "Print every utterance's reference and hypothesis.")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        Manifest entries = Manifest.read(manifest);
        ErrorRate errors = new ErrorRate();
        try (Recogniser recogniser = Recogniser.load(modelOptions.modelDirectory(), modelOptions.threads)) {
            int done = 0;
            for (Manifest.Entry entry : entries.entries()) {
                String hypothesis = recogniser.transcriber().transcribe(AudioLoader.load16k(entry.audio())).text();
                ErrorRate.Edits edits = errors.add(entry.reference(), hypothesis);
                done++;
                System.err.printf("\r[%d/%d] running WER %.1f%%", done, entries.entries().size(), 100 * errors.wer());
                if (verbose) {
                    System.err.println();
                    System.out.printf("%s\tWER %.1f%%%n  REF: %s%n  HYP: %s%n", entry.audio().getFileName(),
                            100 * edits.rate(), entry.reference(), hypothesis);
                }
            }
        }
        System.err.println();
        System.out.printf("manifest %s: %d utterances, %d reference words%n", manifest, errors.utterances(),
                errors.referenceWords());
        System.out.printf("WER %.2f%%  CER %.2f%%%n", 100 * errors.wer(), 100 * errors.cer());
        return 0;
    }
}
