package io.ttastream.adaptation.strategy;

import io.ttastream.asr.HostTensor;

import java.util.Map;

/**
 * Everything a continual strategy has learned, as plain data the service can persist (the state
 * store's snapshots hold the tensors and the properties) and restore: slow weights, optimizer
 * moments, the detector's frozen domain expert and statistics, the buffered utterances, counters.
 *
 * @param strategy   the strategy's name; restoring into another strategy is refused
 * @param tensors    named tensors ("slow.*", "adam.m.*", "adam.v.*", "domain.*", "buffer.N")
 * @param properties scalars and short lists as strings
 */
public record StrategyState(String strategy, Map<String, HostTensor> tensors, Map<String, String> properties) {
    public StrategyState {
        tensors = Map.copyOf(tensors);
        properties = Map.copyOf(properties);
    }
}
