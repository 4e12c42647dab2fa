package io.ttastream.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;

/**
 * Snapshots whose weights and strategy state are a fixed function of their input position, so a
 * test that reads one back can tell whether weights and position come from the same commit.
 */
final class PositionedWeights {
    static final String MODEL = "sha256:5f1c0a-test-base-model";
    static final String PARTITION_A = "audio.frames-0";
    static final String PARTITION_B = "audio.frames-1";

    private PositionedWeights() {
    }

    /** A snapshot of {@code scope} at offsets (a, b) with {@code floats} weights derived from them. */
    static Snapshot at(String scope, long offsetA, long offsetB, int floats) {
        return Snapshot.builder(scope, MODEL)
                .position(PARTITION_A, offsetA)
                .position(PARTITION_B, offsetB)
                .tensor("weights", new int[] {floats}, weights(offsetA, offsetB, floats))
                .strategyState("offsets", ByteBuffer.allocate(16).putLong(offsetA).putLong(offsetB).array())
                .tag("reason", "test")
                .build();
    }

    /** The weights a snapshot at (a, b) must hold. */
    static float[] weights(long offsetA, long offsetB, int floats) {
        float[] values = new float[floats];
        for (int i = 0; i < floats; i++) {
            values[i] = (float) ((offsetA * 7919 + offsetB * 104729 + i * 31L) % 1_000_003) / 1024f;
        }
        return values;
    }

    /** Asserts that the snapshot's weights and strategy state are those of its own position. */
    static void assertMatchesPosition(Snapshot snapshot) {
        long offsetA = snapshot.position().get(PARTITION_A);
        long offsetB = snapshot.position().get(PARTITION_B);
        float[] stored = snapshot.tensor("weights").values();
        assertArrayEquals(weights(offsetA, offsetB, stored.length), stored,
                () -> "weights of " + snapshot + " do not match its position");
        ByteBuffer offsets = ByteBuffer.wrap(snapshot.strategyState().get("offsets"));
        assertEquals(offsetA, offsets.getLong(), "strategy state offset A");
        assertEquals(offsetB, offsets.getLong(), "strategy state offset B");
    }
}
