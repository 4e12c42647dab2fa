package io.ttastream.app;

import io.ttastream.adaptation.strategy.StrategyState;
import io.ttastream.asr.HostTensor;
import io.ttastream.state.NamedTensor;
import io.ttastream.state.Snapshot;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A continual strategy's learned state as a state-store snapshot and back: its tensors become the
 * snapshot's tensors, its scalar properties the snapshot's strategy-state entries (UTF-8 text), and
 * the strategy's name a tag, so that a snapshot is never restored into another strategy.
 */
final class StrategySnapshots {
    static final String STRATEGY_TAG = "strategy";

    private StrategySnapshots() {
    }

    /** Fills {@code draft} with {@code state}. */
    static Snapshot.Builder write(StrategyState state, Snapshot.Builder draft) {
        draft.tag(STRATEGY_TAG, state.strategy());
        state.tensors().forEach((name, t) -> draft.tensor(name, t.shape(), t.data()));
        state.properties().forEach((name, value) -> draft.strategyState(name, value.getBytes(StandardCharsets.UTF_8)));
        return draft;
    }

    /** The strategy state a snapshot written by {@link #write} holds. */
    static StrategyState read(Snapshot snapshot) {
        String strategy = snapshot.tags().get(STRATEGY_TAG);
        if (strategy == null) {
            throw new IllegalArgumentException(snapshot + " holds no strategy state");
        }
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        for (NamedTensor t : snapshot.tensors()) {
            tensors.put(t.name(), new HostTensor(t.shape(), t.values()));
        }
        Map<String, String> properties = new LinkedHashMap<>();
        snapshot.strategyState().forEach((name, bytes) -> properties.put(name, new String(bytes, StandardCharsets.UTF_8)));
        return new StrategyState(strategy, tensors, properties);
    }
}
