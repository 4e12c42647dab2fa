package io.ttastream.state;

import java.nio.file.Path;

/**
 * The child process of {@link CrashRecoveryTest}: resumes the stream from the store's latest
 * snapshot, then commits snapshots forever, printing {@code committed VERSION A B} after each
 * commit returns. The parent kills it with SIGKILL at a random moment.
 */
public final class CommitLoop {
    static final String SCOPE = "stream-1";

    private CommitLoop() {
    }

    /** Arguments: store directory, floats per snapshot. */
    public static void main(String[] args) {
        Path directory = Path.of(args[0]);
        int floats = Integer.parseInt(args[1]);
        try (WeightStore store = WeightStore.open(directory, PositionedWeights.MODEL, 3)) {
            long offsetA = 0;
            long offsetB = 0;
            var restored = store.latest(SCOPE);
            if (restored.isPresent()) {
                offsetA = restored.get().position().get(PositionedWeights.PARTITION_A);
                offsetB = restored.get().position().get(PositionedWeights.PARTITION_B);
            }
            for (long step = 1; ; step++) {
                offsetA += 1 + step % 3;
                offsetB += 2;
                Snapshot next = PositionedWeights.at(SCOPE, offsetA, offsetB, floats).withKnownGood(step % 5 == 0);
                long version = store.commit(next);
                System.out.println("committed " + version + " " + offsetA + " " + offsetB);
                System.out.flush();
            }
        }
    }
}
