package io.ttastream.app.stream;

import io.ttastream.adaptation.strategy.StrategyState;
import io.ttastream.asr.HostTensor;
import io.ttastream.state.NamedTensor;
import io.ttastream.state.Snapshot;
import io.ttastream.state.SnapshotCodec;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A continual strategy's learned state as the state store's snapshot bytes ({@link SnapshotCodec}: checksummed,
 * versioned, no RocksDB type), so that any engine can keep it: the Flink job in keyed state, the service in its
 * weight store. The state's tensors become the snapshot's tensors; its properties become tags prefixed
 * {@value #PROPERTY_TAG}; the strategy's name is the tag {@value #STRATEGY_TAG}.
 */
public final class StrategySnapshots {

    static final String STRATEGY_TAG = "strategy";
    static final String PROPERTY_TAG = "property.";

    private StrategySnapshots() {
    }

    /** Encodes {@code state} as the snapshot of {@code scope} for the base model {@code modelId}. */
    public static byte[] encode(String scope, String modelId, StrategyState state) {
        return SnapshotCodec.encode(write(state, Snapshot.builder(scope, modelId)).build());
    }

    /** Decodes bytes of {@link #encode}; a corrupt snapshot throws {@link io.ttastream.state.CorruptSnapshotException}. */
    public static StrategyState decode(byte[] bytes) {
        return read(SnapshotCodec.decode(bytes));
    }

    /** Fills a snapshot draft (for example a weight store's) with {@code state}. */
    public static Snapshot.Builder write(StrategyState state, Snapshot.Builder draft) {
        draft.createdAtMillis(System.currentTimeMillis()).tag(STRATEGY_TAG, state.strategy());
        state.properties().forEach((key, value) -> draft.tag(PROPERTY_TAG + key, value));
        state.tensors().forEach((name, tensor) -> draft.tensor(name, tensor.shape(), tensor.data()));
        return draft;
    }

    /** The strategy state a snapshot filled by {@link #write} holds. */
    public static StrategyState read(Snapshot snapshot) {
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        for (NamedTensor tensor : snapshot.tensors()) {
            tensors.put(tensor.name(), new HostTensor(tensor.shape(), tensor.values()));
        }
        Map<String, String> properties = new LinkedHashMap<>();
        snapshot.tags().forEach((key, value) -> {
            if (key.startsWith(PROPERTY_TAG)) {
                properties.put(key.substring(PROPERTY_TAG.length()), value);
            }
        });
        return new StrategyState(snapshot.tags().get(STRATEGY_TAG), tensors, properties);
    }
}
