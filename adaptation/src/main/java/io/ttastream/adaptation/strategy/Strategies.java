package io.ttastream.adaptation.strategy;

import io.ttastream.adaptation.model.Wav2Vec2Model;
import io.ttastream.adaptation.suta.SutaConfig;

import java.util.List;

/** Builds a strategy by name. */
public final class Strategies {
    public static final List<String> NAMES = List.of("source", "suta");

    private Strategies() {
    }

    public static Strategy create(String name, Wav2Vec2Model model, SutaConfig suta) {
        return switch (name) {
            case "source" -> new SourceStrategy(model);
            case "suta" -> new SutaStrategy(model, suta);
            default -> throw new IllegalArgumentException("unknown strategy '" + name + "' (known: " + NAMES + ")");
        };
    }
}
