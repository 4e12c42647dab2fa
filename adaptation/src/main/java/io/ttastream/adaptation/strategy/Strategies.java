package io.ttastream.adaptation.strategy;

import io.ttastream.adaptation.decode.CtcDecoder;
import io.ttastream.adaptation.decode.GreedyCtcDecoder;
import io.ttastream.adaptation.model.Wav2Vec2Model;
import io.ttastream.adaptation.suta.SutaConfig;

import java.util.List;

/** Builds a strategy by name. */
public final class Strategies {
    public static final List<String> NAMES = List.of("source", "suta", "csuta", "csuta-reset", "fast-only",
            "slow-only", "dsuta");
    /** fix-freq-reset.yaml's period. */
    private static final int RESET_PERIOD = 50;

    private Strategies() {
    }

    /** The named strategy, writing transcripts by greedy decoding. */
    public static Strategy create(String name, Wav2Vec2Model model, SutaConfig suta) {
        return create(name, model, suta, new GreedyCtcDecoder(model.vocabulary()));
    }

    /** The named strategy, writing transcripts with {@code decoder}. */
    public static Strategy create(String name, Wav2Vec2Model model, SutaConfig suta, CtcDecoder decoder) {
        return switch (name) {
            case "source" -> new SourceStrategy(model, decoder);
            case "suta" -> new SutaStrategy(model, suta, decoder);
            case "csuta" -> new ContinualStrategy(ContinualStrategy.Plan.csuta(), model, suta, decoder);
            case "csuta-reset" -> new ContinualStrategy(ContinualStrategy.Plan.csutaReset(RESET_PERIOD), model, suta,
                    decoder);
            case "fast-only" -> new ContinualStrategy(ContinualStrategy.Plan.fastOnly(), model, suta, decoder);
            case "slow-only" -> new ContinualStrategy(ContinualStrategy.Plan.slowOnly(), model, suta, decoder);
            case "dsuta" -> new ContinualStrategy(ContinualStrategy.Plan.dsuta(), model, suta, decoder);
            default -> throw new IllegalArgumentException("unknown strategy '" + name + "' (known: " + NAMES + ")");
        };
    }
}
