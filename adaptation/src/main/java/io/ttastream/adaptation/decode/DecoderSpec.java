package io.ttastream.adaptation.decode;

import io.ttastream.adaptation.data.Manifest;
import io.ttastream.asr.Vocabulary;

import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * How logits become transcripts, as plain values: the greedy decoder, or a beam search with an optional
 * character language model read from a sentence-per-line text. Values, not a decoder, so that a job can
 * check them where it is submitted and build the decoder where it runs (the text path must be readable there).
 *
 * @param decoder   "greedy" or "beam"
 * @param beam      the beam search's width and weights (ignored by greedy)
 * @param lmText    sentences for the language model, or null for none (beam only)
 * @param lmExclude manifests whose transcripts the language model must not learn
 * @param lmOrder   n of the character n-gram model
 */
public record DecoderSpec(String decoder, BeamSearchCtcDecoder.Config beam, String lmText, List<String> lmExclude,
                          int lmOrder) implements Serializable {

    public static final List<String> NAMES = List.of("greedy", "beam");

    public DecoderSpec {
        if (!NAMES.contains(decoder)) {
            throw new IllegalArgumentException("unknown decoder '" + decoder + "' (known: " + String.join(", ", NAMES) + ")");
        }
        if (lmText != null && !decoder.equals("beam")) {
            throw new IllegalArgumentException("a language model (--lm-text) needs the beam decoder (--decoder beam)");
        }
        if (lmText != null && lmOrder < 1) {
            throw new IllegalArgumentException("language model order " + lmOrder + " must be at least 1");
        }
        lmExclude = List.copyOf(lmExclude);
    }

    /** Best-path decoding, every strategy's default. */
    public static DecoderSpec greedy() {
        return new DecoderSpec("greedy", BeamSearchCtcDecoder.Config.defaults(), null, List.of(), 8);
    }

    /**
     * The decoder for a model's vocabulary; one decoder may serve many strategies and threads.
     *
     * @param log receives one line on the language model it built (sentences kept and dropped)
     */
    public CtcDecoder build(Vocabulary vocabulary, Consumer<String> log) throws IOException {
        if (decoder.equals("greedy")) {
            return new GreedyCtcDecoder(vocabulary);
        }
        return new BeamSearchCtcDecoder(vocabulary, lmText == null ? null : languageModel(vocabulary, log), beam);
    }

    /** What the transcripts are decoded with, for a report's header or a start-up line. */
    public String describe() {
        if (decoder.equals("greedy")) {
            return "greedy decoding";
        }
        String withLm = lmText == null ? "no language model"
                : String.format("%d-gram character LM from %s (weight %s, char bonus %s)", lmOrder,
                Path.of(lmText).getFileName(), beam.lmWeight(), beam.charBonus());
        return "beam search (width " + beam.beamWidth() + ", " + withLm + ")";
    }

    private CharNgramLm languageModel(Vocabulary vocabulary, Consumer<String> log) throws IOException {
        List<String> transcripts = new ArrayList<>();
        for (String manifest : lmExclude) {
            Manifest.read(Path.of(manifest)).entries().forEach(entry -> transcripts.add(entry.reference()));
        }
        List<String> sentences = Files.readAllLines(Path.of(lmText), StandardCharsets.UTF_8);
        List<String> kept = CharNgramLm.withoutTranscripts(sentences, transcripts);
        log.accept(String.format("language model: %d-gram over %d sentences of %s (%d dropped: they overlap %d excluded transcripts)",
                lmOrder, kept.size(), lmText, sentences.size() - kept.size(), transcripts.size()));
        return new CharNgramLm(BeamSearchCtcDecoder.alphabet(vocabulary), lmOrder, kept);
    }
}
