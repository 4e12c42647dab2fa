package io.ttastream.adaptation.model;

import io.ttastream.asr.Wav2Vec2Config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The parameter subsets test-time adaptation trains, named as in the SUTA reference code
 * (train_LN, train_feature, train_all). Each tensor appears once, even when it belongs to two
 * groups (the reference lists feature-extractor tensors up to four times; see ALGORITHM-NOTES.md).
 */
public enum ParameterGroups {
    /** Every nn.LayerNorm weight and bias (not the GroupNorm of a "group" feature encoder). */
    LAYER_NORM("ln"),
    /** The CNN feature encoder and the feature projection, entirely. */
    FEATURE("feature"),
    /** Every parameter the forward pass uses (masked_spec_embed only serves training-time masking). */
    ALL("all");

    private final String key;

    ParameterGroups(String key) {
        this.key = key;
    }

    private Predicate<String> selector(Wav2Vec2Config config) {
        return switch (this) {
            case LAYER_NORM -> name -> name.contains("layer_norm.")
                    && !(config.featExtractNorm().equals("group")
                    && name.startsWith(ConvFeatureEncoder.PREFIX + "0.layer_norm."));
            case FEATURE -> name -> name.startsWith(Wav2Vec2Model.FEATURE_ENCODER_PREFIX)
                    || name.startsWith("wav2vec2.feature_projection.");
            case ALL -> name -> !name.equals("wav2vec2.masked_spec_embed");
        };
    }

    /** Parses "ln+feature", "ln", "all" (case-insensitive). */
    public static List<ParameterGroups> parse(String spec) {
        List<ParameterGroups> groups = new ArrayList<>();
        for (String part : spec.toLowerCase(Locale.ROOT).split("\\+")) {
            ParameterGroups match = null;
            for (ParameterGroups g : values()) {
                if (g.key.equals(part.trim())) {
                    match = g;
                }
            }
            if (match == null) {
                throw new IllegalArgumentException("unknown parameter group '" + part + "' (use ln, feature, all, joined by +)");
            }
            groups.add(match);
        }
        return groups;
    }

    /** The names of the parameters in any of the groups, in the model's order, each once. */
    public static List<String> select(Collection<ParameterGroups> groups, Wav2Vec2Config config, Set<String> names) {
        Set<String> selected = new LinkedHashSet<>();
        for (String name : names) {
            for (ParameterGroups g : groups) {
                if (g.selector(config).test(name)) {
                    selected.add(name);
                }
            }
        }
        return List.copyOf(selected);
    }
}
