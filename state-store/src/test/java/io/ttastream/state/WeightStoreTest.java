package io.ttastream.state;

import static io.ttastream.state.PositionedWeights.MODEL;
import static io.ttastream.state.PositionedWeights.assertMatchesPosition;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;

class WeightStoreTest {

    @TempDir
    Path directory;

    /** One corruption report as the listener saw it. */
    record Report(String scope, long corruptVersion, OptionalLong served) {
    }

    @Test
    void roundTripsEveryFieldThroughTheStoreAndAReopen() {
        Snapshot original = SnapshotCodecTest.everyField();
        try (WeightStore store = WeightStore.open(directory, "sha256:0123abcd")) {
            assertEquals(1, store.commit(original));
        }
        try (WeightStore store = WeightStore.open(directory, "sha256:0123abcd")) {
            Snapshot loaded = store.latest("tenant/ß-流").orElseThrow();
            assertEquals(1, loaded.version(), "the store numbers versions itself");
            assertEquals(original.modelId(), loaded.modelId());
            assertEquals(original.createdAtMillis(), loaded.createdAtMillis());
            assertTrue(loaded.knownGood());
            assertEquals(original.tags(), loaded.tags());
            assertEquals(original.position(), loaded.position());
            assertEquals(original.tensors().size(), loaded.tensors().size());
            for (int i = 0; i < original.tensors().size(); i++) {
                assertTrue(original.tensors().get(i).sameContentAs(loaded.tensors().get(i)), original.tensors().get(i).name());
            }
            assertEquals(original.strategyState().keySet(), loaded.strategyState().keySet());
            original.strategyState().forEach((name, blob) -> assertArrayEquals(blob, loaded.strategyState().get(name)));
            assertEquals(OptionalLong.of(1), store.lastKnownGood("tenant/ß-流"));
        }
    }

    @Test
    void refusesSnapshotsOfAnotherModel() {
        try (WeightStore store = WeightStore.open(directory, MODEL)) {
            Snapshot foreign = Snapshot.builder("s", "sha256:other-model").tensor("w", new int[] {1}, new float[] {1}).build();
            assertThrows(ModelMismatchException.class, () -> store.commit(foreign));
            assertEquals(List.of(), store.scopes(), "a refused commit leaves nothing behind");
            store.commit(PositionedWeights.at("s", 1, 2, 8));
        }
        try (WeightStore upgraded = WeightStore.open(directory, "sha256:next-base-model")) {
            assertThrows(ModelMismatchException.class, () -> upgraded.latest("s"),
                    "weights adapted on the old base model must not be served for the new one");
        }
    }

    @Test
    void versionsHeadRollbackAndKnownGood() {
        try (WeightStore store = WeightStore.open(directory, MODEL)) {
            for (int i = 1; i <= 4; i++) {
                assertEquals(i, store.commit(PositionedWeights.at("s", 10 * i, i, 16)));
            }
            store.markKnownGood("s", 2);
            assertEquals(OptionalLong.of(4), store.head("s"));
            assertEquals(OptionalLong.of(2), store.lastKnownGood("s"));

            store.rollback("s", 3);
            Snapshot served = store.latest("s").orElseThrow();
            assertEquals(3, served.version());
            assertEquals(30L, served.position().get(PositionedWeights.PARTITION_A));
            assertFalse(served.knownGood());

            assertEquals(OptionalLong.of(2), store.rollbackToLastKnownGood("s"));
            assertTrue(store.latest("s").orElseThrow().knownGood());

            assertEquals(5, store.commit(PositionedWeights.at("s", 50, 5, 16)),
                    "after a rollback, numbering continues after the newest stored version");
            List<VersionInfo> versions = store.versions("s");
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L), versions.stream().map(VersionInfo::version).toList());
            assertEquals(List.of(5L), versions.stream().filter(VersionInfo::head).map(VersionInfo::version).toList());
            assertEquals(List.of(2L), versions.stream().filter(VersionInfo::knownGood).map(VersionInfo::version).toList());
            assertThrows(NoSuchElementException.class, () -> store.rollback("s", 99));
            assertEquals(List.of("s"), store.scopes());
        }
    }

    @Test
    void retentionKeepsTheLastVersionsAndEveryKnownGoodOne() {
        try (WeightStore store = WeightStore.open(directory, MODEL, 3)) {
            for (int i = 1; i <= 8; i++) {
                Snapshot draft = PositionedWeights.at("s", i, i, 4);
                store.commit(i == 2 ? draft.withKnownGood(true) : draft);
                if (i == 4) {
                    store.markKnownGood("s", 4);
                }
            }
            store.commit(PositionedWeights.at("other", 1, 1, 4));

            assertEquals(List.of(2L, 4L, 6L, 7L, 8L), store.versions("s").stream().map(VersionInfo::version).toList());
            assertThrows(NoSuchElementException.class, () -> store.read("s", 5));
            assertMatchesPosition(store.read("s", 2));
            assertEquals(List.of(1L), store.versions("other").stream().map(VersionInfo::version).toList(),
                    "retention is per scope");
        }
    }

    @Test
    void aCorruptValueIsDetectedAndThePreviousKnownGoodVersionServed() throws Exception {
        try (WeightStore store = WeightStore.open(directory, MODEL)) {
            store.commit(PositionedWeights.at("s", 100, 1, 64).withKnownGood(true));
            store.commit(PositionedWeights.at("s", 200, 2, 64).withKnownGood(true));
            store.commit(PositionedWeights.at("s", 300, 3, 64));
        }
        flipStoredByte("s", 3, 200);

        List<Report> reports = new ArrayList<>();
        try (WeightStore store = WeightStore.open(directory, MODEL)) {
            store.setCorruptionListener((scope, version, served, cause) -> reports.add(new Report(scope, version, served)));
            Snapshot served = store.latest("s").orElseThrow();

            assertEquals(2, served.version());
            assertMatchesPosition(served);
            assertEquals(List.of(new Report("s", 3, OptionalLong.of(2))), reports);
            assertEquals(1, store.corruptionsDetected());
            assertThrows(CorruptSnapshotException.class, () -> store.read("s", 3));
            assertThrows(CorruptSnapshotException.class, () -> store.rollback("s", 3),
                    "rolling back onto a corrupt version is refused");
        }

        flipStoredByte("s", 2, 40);
        try (WeightStore store = WeightStore.open(directory, MODEL)) {
            store.setCorruptionListener((scope, version, served, cause) -> reports.add(new Report(scope, version, served)));
            assertEquals(1, store.latest("s").orElseThrow().version());
            assertEquals(2, store.corruptionsDetected());
        }
    }

    @Test
    void aFlippedByteInTheBlobFileOnDiskIsDetected() throws Exception {
        int floats = 64 * 1024; // 256 KiB: well above the blob threshold, so the value lives in a blob file
        try (WeightStore store = WeightStore.open(directory, MODEL)) {
            store.commit(PositionedWeights.at("s", 1, 1, floats).withKnownGood(true));
            store.commit(PositionedWeights.at("s", 2, 2, floats));
            store.flush();
        }
        List<Path> blobFiles;
        try (Stream<Path> files = Files.list(directory)) {
            blobFiles = files.filter(p -> p.toString().endsWith(".blob")).toList();
        }
        assertFalse(blobFiles.isEmpty(), "snapshots should be stored in blob files");
        assertTrue(flipFirstOccurrence(blobFiles, PositionedWeights.weights(2, 2, floats)),
                "the weights of v2 should be found verbatim in a blob file");

        List<Report> reports = new ArrayList<>();
        try (WeightStore store = WeightStore.open(directory, MODEL)) {
            store.setCorruptionListener((scope, version, served, cause) -> reports.add(new Report(scope, version, served)));
            Snapshot served = store.latest("s").orElseThrow();
            assertEquals(1, served.version());
            assertMatchesPosition(served);
            assertEquals(List.of(new Report("s", 2, OptionalLong.of(1))), reports);
        }
    }

    @Test
    void withoutAKnownGoodVersionACorruptHeadYieldsNothing() throws Exception {
        try (WeightStore store = WeightStore.open(directory, MODEL)) {
            store.commit(PositionedWeights.at("s", 1, 1, 16));
            store.commit(PositionedWeights.at("s", 2, 2, 16));
        }
        flipStoredByte("s", 2, 30);
        try (WeightStore store = WeightStore.open(directory, MODEL)) {
            assertTrue(store.latest("s").isEmpty(), "an unvetted older version is not served in place of a corrupt head");
            assertEquals(1, store.corruptionsDetected());
        }
    }

    @Test
    void scopedStoreCommitsOffsetsAndRestoresThem() {
        try (WeightStore store = WeightStore.open(directory, MODEL)) {
            ScopedWeightStore channel = new ScopedWeightStore(store, "channel-7");
            assertTrue(channel.restore().isEmpty());
            String partition = ScopedWeightStore.partitionKey("audio.frames", 3);
            assertEquals("audio.frames-3", partition);

            long version = channel.commit(channel.draft().tensor("w", new int[] {2}, new float[] {0.5f, 1.5f}),
                    Map.of(partition, 1200L));
            channel.markKnownGood(version);
            channel.commit(channel.draft().tensor("w", new int[] {2}, new float[] {9f, 9f}), Map.of(partition, 1300L));

            Snapshot restored = channel.restore().orElseThrow();
            assertEquals(2, restored.version());
            assertEquals(Map.of(partition, 1300L), restored.position());
            assertTrue(ScopedWeightStore.alreadyApplied(restored, partition, 1299));
            assertFalse(ScopedWeightStore.alreadyApplied(restored, partition, 1300));
            assertFalse(ScopedWeightStore.alreadyApplied(restored, "audio.frames-4", 0));

            assertEquals(OptionalLong.of(1), channel.rollbackToLastKnownGood());
            assertArrayEquals(new float[] {0.5f, 1.5f}, channel.restore().orElseThrow().tensor("w").values());
            assertEquals(1200L, channel.restore().orElseThrow().position().get(partition));
        }
    }

    /** Rewrites one stored value with a flipped byte through a raw RocksDB handle (the store must be closed). */
    private void flipStoredByte(String scope, long version, int offset) throws Exception {
        List<ColumnFamilyDescriptor> families = new ArrayList<>();
        for (String name : List.of("default", WeightStore.SNAPSHOTS, WeightStore.VERSIONS, WeightStore.HEADS,
                WeightStore.KNOWN_GOOD)) {
            families.add(new ColumnFamilyDescriptor(WeightStore.utf8(name)));
        }
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try (var options = new org.rocksdb.DBOptions();
             RocksDB raw = RocksDB.open(options, directory.toString(), families, handles)) {
            ColumnFamilyHandle snapshots = handles.get(1);
            byte[] key = WeightStore.versionKey(scope, version);
            byte[] value = raw.get(snapshots, key);
            value[offset] ^= 0x01;
            raw.put(snapshots, key, value);
            handles.forEach(ColumnFamilyHandle::close);
        }
    }

    /** Flips one byte inside the first occurrence of {@code values} (little-endian) in the given files. */
    private static boolean flipFirstOccurrence(List<Path> files, float[] values) throws IOException {
        byte[] needle = new byte[64];
        ByteBuffer.wrap(needle).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(values, 1000, 16);
        for (Path file : files) {
            byte[] content = Files.readAllBytes(file);
            for (int i = 0; i + needle.length <= content.length; i++) {
                if (java.util.Arrays.equals(content, i, i + needle.length, needle, 0, needle.length)) {
                    content[i + 5] ^= 0x40;
                    Files.write(file, content);
                    return true;
                }
            }
        }
        return false;
    }
}
