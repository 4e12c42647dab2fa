package io.ttastream.state;

import static io.ttastream.state.PositionedWeights.MODEL;
import static io.ttastream.state.PositionedWeights.assertMatchesPosition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConcurrentReadTest {
    private static final int COMMITS = 60;
    private static final int READERS = 3;
    private static final int FLOATS = 32 * 1024;

    @TempDir
    Path directory;

    @Test
    void readersDuringCommitsSeeOnlyCompleteVersions() throws Exception {
        // Keeping only 2 versions makes every commit delete the version readers were just served.
        try (WeightStore store = WeightStore.open(directory, MODEL, 2)) {
            store.commit(PositionedWeights.at("s", 0, 0, FLOATS));
            AtomicBoolean writing = new AtomicBoolean(true);
            Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
            Set<Long> versionsSeen = ConcurrentHashMap.newKeySet();
            AtomicLong reads = new AtomicLong();

            List<Thread> readers = new ArrayList<>();
            for (int r = 0; r < READERS; r++) {
                Thread reader = new Thread(() -> {
                    long previous = 0;
                    try {
                        while (writing.get()) {
                            Snapshot latest = store.latest("s").orElseThrow();
                            assertMatchesPosition(latest);
                            assertEquals(latest.version() - 1, latest.position().get(PositionedWeights.PARTITION_A),
                                    "version and position come from the same commit");
                            assertTrue(latest.version() >= previous, "a reader never goes back in time");
                            previous = latest.version();
                            versionsSeen.add(latest.version());
                            reads.incrementAndGet();
                        }
                    } catch (Throwable failure) {
                        failures.add(failure);
                    }
                });
                reader.start();
                readers.add(reader);
            }
            for (long i = 1; i <= COMMITS; i++) {
                store.commit(PositionedWeights.at("s", i, 2 * i, FLOATS));
            }
            writing.set(false);
            for (Thread reader : readers) {
                reader.join();
            }

            assertTrue(failures.isEmpty(), () -> "reader failures: " + failures);
            assertTrue(versionsSeen.size() > 2, "readers should have overlapped many commits, saw " + versionsSeen);
            assertTrue(reads.get() >= READERS, "reads: " + reads);
            assertEquals(0, store.corruptionsDetected());
        }
    }
}
