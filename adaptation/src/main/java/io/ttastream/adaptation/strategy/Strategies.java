package io.ttastream.adaptation.strategy;

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

    public static Strategy create(String name, Wav2Vec2Model model, SutaConfig suta) {
        return switch (name) {
            case "source" -> new SourceStrategy(model);
            case "suta" -> new SutaStrategy(model, suta);
            case "csuta" -> new ContinualStrategy(ContinualStrategy.Plan.csuta(), model, suta);
            case "csuta-reset" -> new ContinualStrategy(ContinualStrategy.Plan.csutaReset(RESET_PERIOD), model, suta);
            case "fast-only" -> new ContinualStrategy(ContinualStrategy.Plan.fastOnly(), model, suta);
            case "slow-only" -> new ContinualStrategy(ContinualStrategy.Plan.slowOnly(), model, suta);
            case "dsuta" -> new ContinualStrategy(ContinualStrategy.Plan.dsuta(), model, suta);
            default -> throw new IllegalArgumentException("unknown strategy '" + name + "' (known: " + NAMES + ")");
        };
    }
}
