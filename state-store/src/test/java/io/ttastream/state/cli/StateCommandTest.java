package io.ttastream.state.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ttastream.state.Snapshot;
import io.ttastream.state.SnapshotCodec;
import io.ttastream.state.WeightStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class StateCommandTest {
    private static final String MODEL = "sha256:cli-test-model";

    @TempDir
    Path directory;

    Path store;

    /** Exit code and what a command printed. */
    record Result(int exitCode, String out, String err) {
    }

    @BeforeEach
    void fillStore() {
        store = directory.resolve("store");
        try (WeightStore weights = WeightStore.open(store, MODEL)) {
            for (int v = 1; v <= 3; v++) {
                weights.commit(snapshot("tenant-a", v).withKnownGood(v == 1));
            }
            weights.commit(snapshot("tenant-b", 1));
        }
    }

    private static Snapshot snapshot(String scope, int step) {
        return Snapshot.builder(scope, MODEL)
                .position("audio.frames-0", 10L * step)
                .tensor("w", new int[] {4}, new float[] {step, step + 0.5f, -step, 0})
                .strategyState("adam", new byte[] {(byte) step, 7})
                .tag("reason", "step " + step)
                .build();
    }

    private static Result run(Object command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine line = new CommandLine(command).setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
        int exitCode = line.execute(args);
        return new Result(exitCode, out.toString(), err.toString());
    }

    private Result state(String... args) {
        return run(new StateCommand(), args);
    }

    @Test
    void scopesListsHeadAndLastKnownGood() {
        Result result = state("scopes", "--store", store.toString());
        assertEquals(0, result.exitCode(), result.err());
        assertTrue(result.out().contains("| tenant-a | 3 | 1 | 3 |"), result.out());
        assertTrue(result.out().contains("| tenant-b | 1 | - | 1 |"), result.out());
    }

    @Test
    void versionsMarksHeadAndKnownGood() {
        Result result = state("versions", "--store", store.toString(), "tenant-a");
        assertEquals(0, result.exitCode(), result.err());
        List<String> rows = result.out().lines().filter(l -> l.matches("\\| \\d+ .*")).toList();
        assertEquals(3, rows.size(), result.out());
        assertTrue(rows.get(0).matches("\\| 1 \\| .* \\|  \\| yes \\| 4 \\| \\d+ \\| \\{reason=step 1\\} \\|"), rows.get(0));
        assertTrue(rows.get(2).matches("\\| 3 \\| .* \\| \\* \\|  \\| 4 \\| \\d+ \\| \\{reason=step 3\\} \\|"), rows.get(2));
    }

    @Test
    void showPrintsTheMetadataOfAVersion() {
        Result result = state("show", "--store", store.toString(), "tenant-a", "2");
        assertEquals(0, result.exitCode(), result.err());
        String out = result.out();
        assertTrue(out.contains("version:        2\n"), out);
        assertTrue(out.contains("model:          " + MODEL), out);
        assertTrue(out.contains("known-good:     false"), out);
        assertTrue(out.contains("format version: 1"), out);
        assertTrue(out.matches("(?s).*checksum:       CRC32C [0-9a-f]{8} \\(verified\\).*"), out);
        assertTrue(out.contains("position:       {audio.frames-0=20}"), out);
        assertTrue(out.contains("  w[4]"), out);
        assertTrue(out.contains("  adam (2 bytes)"), out);

        Result head = state("show", "--store", store.toString(), "tenant-a");
        assertTrue(head.out().contains("version:        3 (head)"), head.out());
    }

    @Test
    void exportThenImportIntoAnotherScopeKeepsTheSnapshot() throws Exception {
        Path file = directory.resolve("tenant-a-v1.ttas");
        Result exported = state("export", "--store", store.toString(), "tenant-a", "1", "--out", file.toString());
        assertEquals(0, exported.exitCode(), exported.err());
        Snapshot fromFile = SnapshotCodec.decode(Files.readAllBytes(file));
        assertEquals(1, fromFile.version());
        assertTrue(fromFile.knownGood());
        assertArrayEquals(new float[] {1, 1.5f, -1, 0}, fromFile.tensor("w").values());

        Result imported = state("import", "--store", store.toString(), file.toString(), "--scope", "tenant-c");
        assertEquals(0, imported.exitCode(), imported.err());
        try (WeightStore weights = WeightStore.open(store, MODEL)) {
            Snapshot copy = weights.latest("tenant-c").orElseThrow();
            assertEquals(Map.of("audio.frames-0", 10L), copy.position());
            assertArrayEquals(new float[] {1, 1.5f, -1, 0}, copy.tensor("w").values());
            assertArrayEquals(new byte[] {1, 7}, copy.strategyState().get("adam"));
            assertTrue(copy.knownGood());
        }
    }

    @Test
    void importRefusesACorruptFile() throws Exception {
        Path file = directory.resolve("bad.ttas");
        state("export", "--store", store.toString(), "tenant-b", "--out", file.toString());
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 1;
        Files.write(file, bytes);

        Result result = state("import", "--store", store.toString(), file.toString());
        assertEquals(1, result.exitCode());
        assertTrue(result.err().startsWith("error: checksum mismatch"), result.err());
    }

    @Test
    void rollbackToAVersionOrTheLastKnownGood() {
        assertEquals(0, state("rollback", "--store", store.toString(), "tenant-a", "2").exitCode());
        assertEquals(OptionalLong.of(2), headOf("tenant-a"));
        Result lastGood = state("rollback", "--store", store.toString(), "tenant-a", "--last-known-good");
        assertEquals(0, lastGood.exitCode(), lastGood.err());
        assertTrue(lastGood.out().contains("rolled tenant-a back to v1"), lastGood.out());
        assertEquals(OptionalLong.of(1), headOf("tenant-a"));

        Result missing = state("rollback", "--store", store.toString(), "tenant-a", "99");
        assertEquals(1, missing.exitCode());
        assertTrue(missing.err().contains("no version 99"), missing.err());
        Result noKnownGood = state("rollback", "--store", store.toString(), "tenant-b", "--last-known-good");
        assertEquals(1, noKnownGood.exitCode());
        assertEquals(2, state("rollback", "--store", store.toString(), "tenant-a").exitCode(), "neither VERSION nor flag");
    }

    @Test
    void readingCommandsWorkWhileTheServiceHoldsTheStore() {
        try (WeightStore service = WeightStore.open(store, MODEL)) {
            service.commit(snapshot("tenant-a", 4));
            Result result = state("scopes", "--store", store.toString());
            assertEquals(0, result.exitCode(), result.err());
            assertTrue(result.out().contains("| tenant-a | 4 | 1 | 4 |"), result.out());
        }
    }

    @Test
    void everySubcommandHasHelpAndRequiresTheStore() {
        for (String subcommand : List.of("scopes", "versions", "show", "export", "import", "rollback")) {
            Result help = state(subcommand, "--help");
            assertEquals(0, help.exitCode(), subcommand);
            assertTrue(help.out().contains("--store=DIR"), subcommand + ": " + help.out());
        }
        Result withoutStore = state("scopes");
        assertEquals(2, withoutStore.exitCode());
        assertTrue(withoutStore.err().contains("Missing required option: '--store=DIR'"), withoutStore.err());
        assertEquals(1, state("scopes", "--store", directory.resolve("nowhere").toString()).exitCode());
    }

    @Test
    void benchStatePrintsOneRowPerSnapshotSize() {
        Result result = run(new BenchStateCommand(), "--iterations", "3", "--warmup", "1",
                "--store", directory.resolve("bench").toString());
        assertEquals(0, result.exitCode(), result.err());
        List<String> rows = result.out().lines().filter(l -> l.startsWith("| ") && !l.startsWith("| snapshot")).toList();
        assertEquals(2, rows.size(), result.out());
        assertTrue(rows.get(0).contains("| 1,007,616 |"), rows.get(0));
        assertTrue(rows.get(1).contains("| 115,200 |"), rows.get(1));
        for (String row : rows) {
            String[] cells = row.split("\\|");
            double storedMiB = Double.parseDouble(cells[3].trim());
            double commitP50 = Double.parseDouble(cells[4].trim());
            double commitP99 = Double.parseDouble(cells[5].trim());
            assertTrue(storedMiB > 0 && commitP50 > 0 && commitP50 <= commitP99, row);
        }
        assertEquals(3.85, Double.parseDouble(rows.get(0).split("\\|")[3].trim()), 0.02,
                "1,007,616 floats are 3.84 MiB plus names and header");
    }

    private OptionalLong headOf(String scope) {
        try (WeightStore weights = WeightStore.openForOperator(store, true)) {
            return weights.head(scope);
        }
    }
}
