package io.ttastream.app;

import io.ttastream.adaptation.data.Manifest;
import io.ttastream.adaptation.decode.BeamSearchCtcDecoder;
import io.ttastream.adaptation.decode.CharNgramLm;
import io.ttastream.adaptation.decode.CtcDecoder;
import io.ttastream.adaptation.decode.GreedyCtcDecoder;
import io.ttastream.asr.Vocabulary;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** How logits become transcripts: greedy, or a beam search with an optional character language model. */
final class DecoderOptions {
    private static final BeamSearchCtcDecoder.Config DEFAULTS = BeamSearchCtcDecoder.Config.defaults();

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
    int lmOrder = 8;

    @Option(names = "--lm-weight", description = "(beam) weight of the language model. Default: ${DEFAULT-VALUE}.")
    double lmWeight = DEFAULTS.lmWeight();

    @Option(names = "--char-bonus", description = "(beam) score per transcript character, against the language"
            + " model's cost per character. Default: ${DEFAULT-VALUE}.")
    double charBonus = DEFAULTS.charBonus();

    /** The decoder for a model's vocabulary; one decoder may serve many strategies and threads. */
    CtcDecoder decoderFor(Vocabulary vocabulary) throws IOException {
        switch (decoder) {
            case "greedy" -> {
                if (lmText != null) {
                    throw new IllegalArgumentException("--lm-text needs --decoder beam");
                }
                return new GreedyCtcDecoder(vocabulary);
            }
            case "beam" -> {
                CharNgramLm lm = lmText == null ? null : languageModel(vocabulary);
                return new BeamSearchCtcDecoder(vocabulary, lm,
                        new BeamSearchCtcDecoder.Config(beamWidth, lmWeight, charBonus, DEFAULTS.minLogProb()));
            }
            default -> throw new IllegalArgumentException("unknown decoder '" + decoder + "' (known: greedy, beam)");
        }
    }

    /** What the transcripts are decoded with, for a report's header. */
    String describe() {
        if (decoder.equals("beam")) {
            String withLm = lmText == null ? "no language model"
                    : String.format("%d-gram character LM from %s (weight %s, char bonus %s)", lmOrder,
                    lmText.getFileName(), lmWeight, charBonus);
            return "beam search (width " + beamWidth + ", " + withLm + ")";
        }
        return "greedy decoding";
    }

    private CharNgramLm languageModel(Vocabulary vocabulary) throws IOException {
        List<String> transcripts = new ArrayList<>();
        for (Path manifest : lmExclude) {
            Manifest.read(manifest).entries().forEach(entry -> transcripts.add(entry.reference()));
        }
        List<String> sentences = Files.readAllLines(lmText, StandardCharsets.UTF_8);
        List<String> kept = CharNgramLm.withoutTranscripts(sentences, transcripts);
        System.err.printf("language model: %d-gram over %d sentences of %s (%d dropped: they overlap %d excluded transcripts)%n",
                lmOrder, kept.size(), lmText, sentences.size() - kept.size(), transcripts.size());
        return new CharNgramLm(BeamSearchCtcDecoder.alphabet(vocabulary), lmOrder, kept);
    }
}
