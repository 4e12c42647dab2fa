package io.ttastream.app;

import io.ttastream.adaptation.bench.ProgressBar;
import io.ttastream.adaptation.data.Manifest;
import io.ttastream.adaptation.metrics.CharacterErrors;
import io.ttastream.adaptation.metrics.ErrorRate;
import io.ttastream.adaptation.strategy.Strategy;
import io.ttastream.app.cli.DecoderOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** WER and CER over a manifest, for one or more strategies side by side on the same audio. */
@Command(name = "wer", mixinStandardHelpOptions = true,
        description = "Word and character error rate over a manifest (path<TAB>REFERENCE per line).")
final class WerCommand implements Callable<Integer> {

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    AdaptationOptions adaptation;

    @Mixin
    DecoderOptions decoding;

    @Option(names = "--manifest", required = true, paramLabel = "TSV", description = "The manifest.")
    Path manifest;

    @Option(names = "--verbose", description = "Print every utterance's reference and hypotheses.")
    boolean verbose;

    @Option(names = "--limit", description = "Score only the first N utterances.")
    Integer limit;

    @Option(names = "--confusions", paramLabel = "N", description = "After the table, each strategy's N reference "
            + "characters most often wrong: how often, what they were most often heard as, how often they were missing.")
    int confusions;

    @Override
    public Integer call() throws Exception {
        List<Manifest.Entry> entries = Manifest.read(manifest).requireAudio().entries();
        if (limit != null) {
            entries = entries.subList(0, Math.min(limit, entries.size()));
        }
        if (entries.isEmpty()) {
            // Error rates of nothing would print as 0%: a perfect score for a mistyped filter.
            throw new IllegalArgumentException("manifest " + manifest + " lists no utterances to score"
                    + (limit != null ? " (--limit " + limit + ")" : ""));
        }
        try (Recogniser recogniser = Recogniser.load(modelOptions.modelDirectory(), modelOptions.backend())) {
            List<String> names = adaptation.strategiesOr(List.of("source"));
            List<Strategy> strategies = adaptation.create(recogniser, names, decoding);
            List<ErrorRate> errors = new ArrayList<>();
            List<CharacterErrors> characterErrors = new ArrayList<>();
            strategies.forEach(s -> {
                errors.add(new ErrorRate());
                characterErrors.add(new CharacterErrors());
            });
            double[] seconds = new double[strategies.size()];
            double audioSeconds = 0;
            // --verbose prints a block per utterance, progress enough; a bar on stderr would cut into it.
            ProgressBar progress = verbose ? null : new ProgressBar(entries.size());
            for (int u = 0; u < entries.size(); u++) {
                Manifest.Entry entry = entries.get(u);
                float[] input = adaptation.inputValues(entry.audio());
                audioSeconds += input.length / 16000.0;
                if (verbose) {
                    System.out.printf("%s%n  REF:   %s%n", entry.audio().getFileName(), entry.reference());
                }
                for (int s = 0; s < strategies.size(); s++) {
                    long start = System.nanoTime();
                    String hypothesis = strategies.get(s).process(input).text();
                    seconds[s] += (System.nanoTime() - start) / 1e9;
                    ErrorRate.Edits edits = errors.get(s).add(entry.reference(), hypothesis);
                    if (confusions > 0) { // a second alignment of the characters, only when asked for
                        characterErrors.get(s).add(entry.reference(), hypothesis);
                    }
                    if (verbose) {
                        System.out.printf("  %-6s %s  (WER %.0f%%)%n", strategies.get(s).name() + ":", hypothesis,
                                100 * edits.rate());
                    }
                }
                if (progress != null) {
                    progress.update(u + 1);
                }
            }
            System.out.printf("manifest %s (%s): %d utterances, %d reference words, %.1f s of audio, %s, %s, %s%n",
                    manifest, adaptation.corruption(), entries.size(), errors.get(0).referenceWords(), audioSeconds,
                    recogniser.device(), decoding.describe(), adaptation.describe(recogniser.adaptationDefaults(), names));
            System.out.println("| strategy | WER | CER | real-time factor |");
            System.out.println("|---|---|---|---|");
            for (int s = 0; s < strategies.size(); s++) {
                System.out.printf("| %s | %.2f%% | %.2f%% | %.3f |%n", strategies.get(s).name(), 100 * errors.get(s).wer(),
                        100 * errors.get(s).cer(), seconds[s] / audioSeconds);
            }
            for (int s = 0; confusions > 0 && s < strategies.size(); s++) {
                printConfusions(strategies.get(s).name(), characterErrors.get(s));
            }
        }
        return 0;
    }

    private void printConfusions(String strategy, CharacterErrors characterErrors) {
        System.out.printf("%n%s: the characters most often wrong%n", strategy);
        System.out.println("| character | in the references | wrong | most often heard as | missing |");
        System.out.println("|---|---|---|---|---|");
        for (CharacterErrors.Row row : characterErrors.worst(confusions)) {
            System.out.printf("| %s | %d | %d (%.0f%%) | %s | %d |%n", shown(row.character()), row.occurrences(),
                    row.errors(), 100 * row.errorRate(),
                    row.substitutions() == 0 ? "-" : shown(row.commonestSubstitute()) + " (" + row.commonestCount() + ")",
                    row.deletions());
        }
        String inserted = characterErrors.insertions().entrySet().stream()
                .sorted(Map.Entry.<Character, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(5).map(e -> shown(e.getKey()) + " " + e.getValue()).collect(Collectors.joining(", "));
        System.out.printf("inserted: %d characters%s%n",
                characterErrors.insertions().values().stream().mapToLong(Long::longValue).sum(),
                inserted.isEmpty() ? "" : " (" + inserted + ")");
    }

    private static String shown(char character) {
        return character == ' ' ? "space" : String.valueOf(character);
    }
}
