package io.ttastream.app.cli;

import io.ttastream.adaptation.decode.BeamSearchCtcDecoder;
import io.ttastream.adaptation.decode.CtcDecoder;
import io.ttastream.adaptation.decode.DecoderSpec;
import io.ttastream.asr.Vocabulary;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The decoding options every command that transcribes shares (a picocli mixin of the service's commands and
 * of the Flink job's): greedy, or a beam search with an optional character language model.
 */
public final class DecoderOptions {
    private static final BeamSearchCtcDecoder.Config DEFAULTS = BeamSearchCtcDecoder.Config.defaults();
    private static final int DEFAULT_LM_ORDER = DecoderSpec.greedy().lmOrder();

    @Option(names = "--decoder", paramLabel = "NAME",
            description = "greedy (best path) or beam (CTC prefix beam search). Default: ${DEFAULT-VALUE}.")
    String decoder = "greedy";

    @Option(names = "--beam-width", description = "(beam) hypotheses kept per frame. Default: ${DEFAULT-VALUE}.")
    int beamWidth = DEFAULTS.beamWidth();

    @Option(names = "--lm-text", paramLabel = "FILE",
            description = "(beam) sentences, one per line, for a character n-gram language model fused into the search.")
    Path lmText;

    @Option(names = "--lm-exclude", split = ",", paramLabel = "MANIFEST",
            description = "(beam) manifests whose transcripts the language model must not learn: a sentence of"
                    + " --lm-text that contains one, or is part of one, is dropped (keep test sentences out).")
    List<Path> lmExclude = List.of();

    @Option(names = "--lm-order", description = "(beam) n of the character n-gram model. Default: ${DEFAULT-VALUE}.")
    int lmOrder = DEFAULT_LM_ORDER;

    @Option(names = "--lm-weight", description = "(beam) weight of the language model. Default: ${DEFAULT-VALUE}.")
    double lmWeight = DEFAULTS.lmWeight();

    @Option(names = "--char-bonus", description = "(beam) score per transcript character, against the language"
            + " model's cost per character. Default: ${DEFAULT-VALUE}.")
    double charBonus = DEFAULTS.charBonus();

    /** The options as values, checked; paths made absolute so that they mean the same wherever a task runs. */
    public DecoderSpec spec() {
        return new DecoderSpec(decoder, new BeamSearchCtcDecoder.Config(beamWidth, lmWeight, charBonus, DEFAULTS.minLogProb()),
                lmText == null ? null : lmText.toAbsolutePath().toString(),
                lmExclude.stream().map(manifest -> manifest.toAbsolutePath().toString()).toList(), lmOrder);
    }

    /** The decoder for a model's vocabulary, reporting the language model it built on standard error. */
    public CtcDecoder decoderFor(Vocabulary vocabulary) throws IOException {
        return spec().build(vocabulary, System.err::println);
    }

    /** What the transcripts are decoded with, for a report's header. */
    public String describe() {
        return spec().describe();
    }
}
