package io.ttastream.state;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One immutable version of the adaptation state of one scope (a tenant, a channel, a stream):
 * the trainable parameter tensors, the strategy state the adaptation layer serialised
 * (optimizer moments, detector statistics, buffer references), the base model it belongs to,
 * and the input position it reflects.
 *
 * <p>The position maps an input partition (for Kafka {@code topic-partition}, see
 * {@link ScopedWeightStore#partitionKey}) to the next offset to consume: every record before
 * it has been applied to these weights, none after it.
 *
 * <p>Byte and float arrays are shared, not copied; treat them as read-only.
 */
public final class Snapshot {

    /** The version a snapshot carries before a {@link WeightStore} assigns one on commit. */
    public static final long UNASSIGNED_VERSION = 0;

    private final String scope;
    private final long version;
    private final String modelId;
    private final long createdAtMillis;
    private final boolean knownGood;
    private final Map<String, String> tags;
    private final SortedMap<String, Long> position;
    private final List<NamedTensor> tensors;
    private final Map<String, byte[]> strategyState;

    private Snapshot(String scope, long version, String modelId, long createdAtMillis, boolean knownGood,
                     Map<String, String> tags, SortedMap<String, Long> position,
                     List<NamedTensor> tensors, Map<String, byte[]> strategyState) {
        this.scope = scope;
        this.version = version;
        this.modelId = modelId;
        this.createdAtMillis = createdAtMillis;
        this.knownGood = knownGood;
        this.tags = tags;
        this.position = position;
        this.tensors = tensors;
        this.strategyState = strategyState;
    }

    /** Starts a snapshot of {@code scope} for the base model identified by {@code modelId}. */
    public static Builder builder(String scope, String modelId) {
        return new Builder(scope, modelId);
    }

    /** The adaptation scope this state belongs to. */
    public String scope() {
        return scope;
    }

    /** The version number within the scope, or {@link #UNASSIGNED_VERSION} before commit. */
    public long version() {
        return version;
    }

    /** Identity of the base model (e.g. the SHA-256 of its checkpoint); weights of another model are refused. */
    public String modelId() {
        return modelId;
    }

    /** Wall-clock creation time, milliseconds since the epoch. */
    public long createdAtMillis() {
        return createdAtMillis;
    }

    /** Whether the adaptation layer vouched for this version (finite, not collapsed). */
    public boolean knownGood() {
        return knownGood;
    }

    /** Free-form labels such as {@code reason=periodic}; insertion-ordered, unmodifiable. */
    public Map<String, String> tags() {
        return tags;
    }

    /** Input partition to next offset; sorted by partition, unmodifiable. */
    public SortedMap<String, Long> position() {
        return position;
    }

    /** The trainable parameters in the order they were added; unmodifiable. */
    public List<NamedTensor> tensors() {
        return tensors;
    }

    /** Named opaque strategy-state blobs in the order they were added; unmodifiable. */
    public Map<String, byte[]> strategyState() {
        return strategyState;
    }

    /** The tensor called {@code name}. */
    public NamedTensor tensor(String name) {
        for (NamedTensor tensor : tensors) {
            if (tensor.name().equals(name)) {
                return tensor;
            }
        }
        throw new IllegalArgumentException("no tensor " + name + " in " + scope + " v" + version);
    }

    /** Number of float parameters over all tensors. */
    public long parameterCount() {
        long count = 0;
        for (NamedTensor tensor : tensors) {
            count += tensor.values().length;
        }
        return count;
    }

    /** The same snapshot with another version number. */
    public Snapshot withVersion(long newVersion) {
        return new Snapshot(scope, newVersion, modelId, createdAtMillis, knownGood, tags, position, tensors, strategyState);
    }

    /** The same snapshot with another known-good flag. */
    public Snapshot withKnownGood(boolean newKnownGood) {
        return new Snapshot(scope, version, modelId, createdAtMillis, newKnownGood, tags, position, tensors, strategyState);
    }

    /** The same snapshot moved to another scope (used when importing a file into a different scope). */
    public Snapshot withScope(String newScope) {
        return new Snapshot(checkScope(newScope), version, modelId, createdAtMillis, knownGood,
                tags, position, tensors, strategyState);
    }

    /**
     * Validates a scope name: non-empty and free of NUL, which separates scope from version in store keys.
     */
    static String checkScope(String scope) {
        if (scope == null || scope.isEmpty() || scope.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a scope must be a non-empty string without NUL characters: " + scope);
        }
        return scope;
    }

    @Override
    public String toString() {
        return "Snapshot[" + scope + " v" + version + ", model " + modelId + ", " + tensors.size() + " tensors, "
                + parameterCount() + " floats, position " + position + (knownGood ? ", known-good" : "") + "]";
    }

    /** Collects the parts of a snapshot; {@link #build()} freezes them. */
    public static final class Builder {
        private final String scope;
        private final String modelId;
        private long version = UNASSIGNED_VERSION;
        private long createdAtMillis = -1;
        private boolean knownGood;
        private final Map<String, String> tags = new LinkedHashMap<>();
        private final SortedMap<String, Long> position = new TreeMap<>();
        private final List<NamedTensor> tensors = new ArrayList<>();
        private final Map<String, byte[]> strategyState = new LinkedHashMap<>();

        private Builder(String scope, String modelId) {
            this.scope = checkScope(scope);
            this.modelId = Objects.requireNonNull(modelId, "modelId");
        }

        /** Sets the version (the codec uses this; a store assigns versions itself on commit). */
        public Builder version(long value) {
            this.version = value;
            return this;
        }

        /** Sets the creation time; defaults to the time of {@link #build()}. */
        public Builder createdAtMillis(long value) {
            this.createdAtMillis = value;
            return this;
        }

        /** Marks the snapshot known-good at commit time. */
        public Builder knownGood(boolean value) {
            this.knownGood = value;
            return this;
        }

        /** Adds a free-form label. */
        public Builder tag(String key, String value) {
            tags.put(Objects.requireNonNull(key), Objects.requireNonNull(value));
            return this;
        }

        /** Records that {@code nextOffset} is the next offset to consume on {@code partition}. */
        public Builder position(String partition, long nextOffset) {
            if (nextOffset < 0) {
                throw new IllegalArgumentException("negative offset " + nextOffset + " for " + partition);
            }
            position.put(Objects.requireNonNull(partition), nextOffset);
            return this;
        }

        /** Records a whole position map (partition to next offset). */
        public Builder position(Map<String, Long> nextOffsets) {
            nextOffsets.forEach(this::position);
            return this;
        }

        /** Adds a trainable tensor; names must be unique. */
        public Builder tensor(NamedTensor tensor) {
            for (NamedTensor existing : tensors) {
                if (existing.name().equals(tensor.name())) {
                    throw new IllegalArgumentException("duplicate tensor " + tensor.name());
                }
            }
            tensors.add(tensor);
            return this;
        }

        /** Adds a trainable tensor from its parts. */
        public Builder tensor(String name, int[] shape, float[] values) {
            return tensor(new NamedTensor(name, shape, values));
        }

        /** Adds a named strategy-state blob (serialised by the adaptation layer). */
        public Builder strategyState(String name, byte[] bytes) {
            if (strategyState.putIfAbsent(Objects.requireNonNull(name), Objects.requireNonNull(bytes)) != null) {
                throw new IllegalArgumentException("duplicate strategy state " + name);
            }
            return this;
        }

        /** Freezes the collected parts into a snapshot. */
        public Snapshot build() {
            long created = createdAtMillis >= 0 ? createdAtMillis : System.currentTimeMillis();
            return new Snapshot(scope, version, modelId, created, knownGood,
                    Collections.unmodifiableMap(new LinkedHashMap<>(tags)),
                    Collections.unmodifiableSortedMap(new TreeMap<>(position)),
                    List.copyOf(tensors),
                    Collections.unmodifiableMap(new LinkedHashMap<>(strategyState)));
        }
    }
}
