package io.ttastream.state;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The view a stream processor has of the {@link WeightStore}: one scope, one model, and the
 * input position. A Kafka Streams processor calls {@link #commit} when it commits (offsets in,
 * version out) and {@link #restore} when its task starts (snapshot and the position to resume
 * from); records below the restored position are already in the weights, see
 * {@link #alreadyApplied}.
 */
public final class ScopedWeightStore {
    private final WeightStore store;
    private final String scope;
    private final String modelId;

    /** The scope {@code scope} of a store bound to a model (see {@link WeightStore#open}). */
    public ScopedWeightStore(WeightStore store, String scope) {
        this.store = store;
        this.scope = Snapshot.checkScope(scope);
        this.modelId = store.modelId().orElseThrow(
                () -> new IllegalArgumentException("a stream processor needs a store bound to a model"));
    }

    /** The position key of a Kafka partition, the same text as Kafka's {@code TopicPartition.toString()}. */
    public static String partitionKey(String topic, int partition) {
        return topic + "-" + partition;
    }

    /** True when the record at {@code offset} of {@code partition} is already reflected in {@code restored}. */
    public static boolean alreadyApplied(Snapshot restored, String partition, long offset) {
        Long next = restored.position().get(partition);
        return next != null && offset < next;
    }

    /** The scope this view writes. */
    public String scope() {
        return scope;
    }

    /** A snapshot builder with scope and model filled in: add tensors and strategy state, then {@link #commit}. */
    public Snapshot.Builder draft() {
        return Snapshot.builder(scope, modelId);
    }

    /**
     * Durably stores the drafted state together with the input position it reflects (partition to
     * next offset), atomically, and makes it the version {@link #restore} returns.
     *
     * @return the new version number
     */
    public long commit(Snapshot.Builder draft, Map<String, Long> nextOffsets) {
        Snapshot snapshot = draft.position(nextOffsets).build();
        if (!snapshot.scope().equals(scope)) {
            throw new IllegalArgumentException("draft of scope " + snapshot.scope() + " committed through " + scope);
        }
        return store.commit(snapshot);
    }

    /** The state to resume from and, in its {@link Snapshot#position()}, where to resume reading. */
    public Optional<Snapshot> restore() {
        return store.latest(scope);
    }

    /** Vouches for a committed version (the adaptation layer's verdict); retention keeps it. */
    public void markKnownGood(long version) {
        store.markKnownGood(scope, version);
    }

    /** Moves the head back to the newest known-good version (e.g. after a collapse); empty if there is none. */
    public OptionalLong rollbackToLastKnownGood() {
        return store.rollbackToLastKnownGood(scope);
    }
}
