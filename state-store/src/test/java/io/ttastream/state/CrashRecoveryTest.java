package io.ttastream.state;

import static io.ttastream.state.PositionedWeights.MODEL;
import static io.ttastream.state.PositionedWeights.PARTITION_A;
import static io.ttastream.state.PositionedWeights.PARTITION_B;
import static io.ttastream.state.PositionedWeights.assertMatchesPosition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.RocksDB;

/** SIGKILL a committing child JVM again and again; the store must always reopen whole and durable. */
class CrashRecoveryTest {
    private static final int ROUNDS = 20;
    private static final int FLOATS = 64 * 1024; // 256 KiB per snapshot: commits take long enough to be hit

    @TempDir
    Path directory;

    /** What the child last acknowledged: a commit that returned. */
    record Acknowledged(long version, long offsetA, long offsetB) {
    }

    @Test
    void sigkillInTheMiddleOfCommitsLeavesACompleteDurableLatestVersion() throws Exception {
        Path store = directory.resolve("store");
        List<String> command = childCommand(store);
        Random random = new Random(20261123);
        int inFlightCommitsThatLanded = 0;
        for (int round = 0; round < ROUNDS; round++) {
            Path childErrors = directory.resolve("child-" + round + ".err");
            Process child = new ProcessBuilder(command).redirectError(childErrors.toFile()).start();
            AcknowledgementReader acknowledgements = new AcknowledgementReader(child.getInputStream());
            acknowledgements.start();

            int commitsBeforeKill = 1 + random.nextInt(5);
            while (acknowledgements.count() < commitsBeforeKill) {
                if (!child.isAlive()) {
                    throw new AssertionError("child exited early: " + Files.readString(childErrors));
                }
                Thread.sleep(1);
            }
            Thread.sleep(random.nextInt(25)); // lands in the encoding, the batch write or the WAL fsync of a commit
            child.destroyForcibly(); // SIGKILL on Linux
            child.waitFor();
            acknowledgements.join();
            Acknowledged acknowledged = acknowledgements.last();

            try (WeightStore reopened = WeightStore.open(store, MODEL, 3)) {
                Snapshot latest = reopened.latest(CommitLoop.SCOPE).orElseThrow();
                assertMatchesPosition(latest);
                assertTrue(latest.version() == acknowledged.version() || latest.version() == acknowledged.version() + 1,
                        "round " + round + ": latest v" + latest.version() + " but the child acknowledged v"
                                + acknowledged.version() + " (acknowledged commits must survive; at most one more was in flight)");
                if (latest.version() == acknowledged.version()) {
                    assertEquals(acknowledged.offsetA(), latest.position().get(PARTITION_A));
                    assertEquals(acknowledged.offsetB(), latest.position().get(PARTITION_B));
                } else {
                    inFlightCommitsThatLanded++;
                }
                for (VersionInfo info : reopened.versions(CommitLoop.SCOPE)) {
                    assertMatchesPosition(reopened.read(CommitLoop.SCOPE, info.version()));
                }
                assertEquals(0, reopened.corruptionsDetected());
            }
        }
        System.out.printf("crash test: %d SIGKILLs, %d of them after an unacknowledged commit had landed%n",
                ROUNDS, inFlightCommitsThatLanded);
    }

    /** Collects the child's {@code committed VERSION A B} lines until its output ends. */
    private static final class AcknowledgementReader extends Thread {
        private final BufferedReader output;
        private volatile Acknowledged last;
        private volatile int count;

        AcknowledgementReader(InputStream childOutput) {
            this.output = new BufferedReader(new InputStreamReader(childOutput, StandardCharsets.UTF_8));
            setDaemon(true);
        }

        @Override
        public void run() {
            try {
                for (String line = output.readLine(); line != null; line = output.readLine()) {
                    String[] parts = line.split(" ");
                    if (parts.length == 4 && parts[0].equals("committed")) { // a line cut by the kill is ignored
                        last = new Acknowledged(Long.parseLong(parts[1]), Long.parseLong(parts[2]), Long.parseLong(parts[3]));
                        count++;
                    }
                }
            } catch (IOException closedByTheKill) {
                // the child is gone; what was read so far is what it acknowledged
            }
        }

        int count() {
            return count;
        }

        Acknowledged last() {
            return last;
        }
    }

    /**
     * A JVM running {@link CommitLoop} on the test classpath. The RocksDB native library is
     * extracted once and put on java.library.path: a killed JVM cannot delete the copy it
     * would otherwise extract to /tmp.
     */
    private List<String> childCommand(Path store) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto"));
        String library = System.mapLibraryName("rocksdbjni-linux64");
        try (InputStream in = RocksDB.class.getResourceAsStream("/" + library)) {
            if (in != null) {
                Path libraryDirectory = Files.createDirectories(directory.resolve("native"));
                Files.copy(in, libraryDirectory.resolve(library));
                command.add("-Djava.library.path=" + libraryDirectory);
            }
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), CommitLoop.class.getName(),
                store.toString(), Integer.toString(FLOATS)));
        return command;
    }
}
