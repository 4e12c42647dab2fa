package io.ttastream.flink;

import io.ttastream.adaptation.decode.DecoderSpec;
import io.ttastream.adaptation.model.ParameterGroups;
import io.ttastream.adaptation.strategy.Strategies;
import io.ttastream.adaptation.suta.SutaConfig;

import java.io.Serializable;

/**
 * What every adaptation task loads and runs, as plain values that travel with the job graph to the task managers.
 *
 * @param strategy  one of {@link Strategies#NAMES}
 * @param modelDir  the Hugging Face checkpoint directory; every task manager must see it at this path
 * @param threads   CPU threads of each task's backend
 * @param steps     SUTA optimizer steps per utterance
 * @param lr        SUTA learning rate
 * @param trainable adapted parameter groups, as {@link ParameterGroups#parse} reads them
 * @param decoding  how logits become transcripts; a language model's text must be readable on every task manager
 */
public record AdaptationSettings(String strategy, String modelDir, int threads, int steps, double lr, String trainable,
                                 DecoderSpec decoding) implements Serializable {

    public AdaptationSettings {
        if (!Strategies.NAMES.contains(strategy)) {
            throw new IllegalArgumentException("unknown strategy '" + strategy + "' (known: " + Strategies.NAMES + ")");
        }
        ParameterGroups.parse(trainable); // fail at submission, not in every task
    }

    /** The reference SUTA settings with this run's steps, learning rate and trainable groups. */
    public SutaConfig sutaConfig() {
        SutaConfig reference = SutaConfig.reference();
        return new SutaConfig(steps, lr, reference.optimizer(), ParameterGroups.parse(trainable), reference.loss());
    }
}
