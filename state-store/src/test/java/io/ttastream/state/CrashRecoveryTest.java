package io.ttastream.state;

import static io.ttastream.state.PositionedWeights.MODEL;
import static io.ttastream.state.PositionedWeights.PARTITION_A;
import static io.ttastream.state.PositionedWeights.PARTITION_B;
import static io.ttastream.state.PositionedWeights.assertMatchesPosition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
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
            Path childOutput = directory.resolve("child-" + round + ".out");
            // A file, not a pipe: Process.destroyForcibly closes the pipe and drops lines not yet read.
            Process child = new ProcessBuilder(command)
                    .redirectOutput(childOutput.toFile())
                    .redirectError(childErrors.toFile())
                    .start();

            int commitsBeforeKill = 1 + random.nextInt(5);
            while (acknowledgements(childOutput).size() < commitsBeforeKill) {
                if (!child.isAlive()) {
                    throw new AssertionError("child exited early: " + Files.readString(childErrors));
                }
                Thread.sleep(1);
            }
            Thread.sleep(random.nextInt(25)); // lands in the encoding, the batch write or the WAL fsync of a commit
            child.destroyForcibly(); // SIGKILL on Linux
            child.waitFor();
            List<Acknowledged> acknowledged = acknowledgements(childOutput);
            Acknowledged last = acknowledged.get(acknowledged.size() - 1);

            try (WeightStore reopened = WeightStore.open(store, MODEL, 3)) {
                Snapshot latest = reopened.latest(CommitLoop.SCOPE).orElseThrow();
                assertMatchesPosition(latest);
                assertTrue(latest.version() == last.version() || latest.version() == last.version() + 1,
                        "round " + round + ": latest v" + latest.version() + " but the child acknowledged v"
                                + last.version() + " (acknowledged commits must survive; at most one more was in flight)");
                if (latest.version() == last.version()) {
                    assertEquals(last.offsetA(), latest.position().get(PARTITION_A));
                    assertEquals(last.offsetB(), latest.position().get(PARTITION_B));
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

    /** The child's {@code committed VERSION A B} lines so far; a last line cut by the kill is ignored. */
    private static List<Acknowledged> acknowledgements(Path childOutput) throws IOException {
        String output = Files.readString(childOutput, StandardCharsets.UTF_8);
        List<Acknowledged> acknowledged = new ArrayList<>();
        output.substring(0, output.lastIndexOf('\n') + 1).lines()
                .map(line -> line.split(" "))
                .filter(parts -> parts.length == 4 && parts[0].equals("committed"))
                .forEach(parts -> acknowledged.add(new Acknowledged(
                        Long.parseLong(parts[1]), Long.parseLong(parts[2]), Long.parseLong(parts[3]))));
        return acknowledged;
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
