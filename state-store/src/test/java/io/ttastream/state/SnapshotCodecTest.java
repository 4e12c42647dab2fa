package io.ttastream.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

class SnapshotCodecTest {

    /** A snapshot exercising every field and awkward values: unicode, special floats, empty and scalar tensors. */
    static Snapshot everyField() {
        return Snapshot.builder("tenant/ß-流", "sha256:0123abcd")
                .version(42)
                .createdAtMillis(1_790_000_000_123L)
                .knownGood(true)
                .tag("reason", "periodic")
                .tag("utterances", "1200")
                .position("audio.frames-3", 987_654_321_012L)
                .position("audio.frames-0", 0)
                .tensor("encoder.layer_norm.weight", new int[] {2, 3},
                        new float[] {1f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.MIN_VALUE, -3.25e38f})
                .tensor("scalar", new int[0], new float[] {7.25f})
                .tensor("empty", new int[] {0, 4}, new float[0])
                .strategyState("adam.exp_avg", new byte[] {1, 2, 3, (byte) 0xff})
                .strategyState("detector", new byte[0])
                .build();
    }

    @Test
    void roundTripsEveryField() {
        Snapshot decoded = SnapshotCodec.decode(SnapshotCodec.encode(everyField()));

        assertEquals("tenant/ß-流", decoded.scope());
        assertEquals(42, decoded.version());
        assertEquals("sha256:0123abcd", decoded.modelId());
        assertEquals(1_790_000_000_123L, decoded.createdAtMillis());
        assertTrue(decoded.knownGood());
        assertEquals(List.of("reason", "utterances"), List.copyOf(decoded.tags().keySet()));
        assertEquals(Map.of("reason", "periodic", "utterances", "1200"), decoded.tags());
        assertEquals(Map.of("audio.frames-0", 0L, "audio.frames-3", 987_654_321_012L), decoded.position());
        assertEquals(List.of("encoder.layer_norm.weight", "scalar", "empty"),
                decoded.tensors().stream().map(NamedTensor::name).toList());
        NamedTensor norm = decoded.tensor("encoder.layer_norm.weight");
        assertArrayEquals(new int[] {2, 3}, norm.shape());
        float[] expected = {1f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.MIN_VALUE, -3.25e38f};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(norm.values()[i]), "element " + i);
        }
        assertArrayEquals(new int[0], decoded.tensor("scalar").shape());
        assertArrayEquals(new float[] {7.25f}, decoded.tensor("scalar").values());
        assertArrayEquals(new int[] {0, 4}, decoded.tensor("empty").shape());
        assertEquals(List.of("adam.exp_avg", "detector"), List.copyOf(decoded.strategyState().keySet()));
        assertArrayEquals(new byte[] {1, 2, 3, (byte) 0xff}, decoded.strategyState().get("adam.exp_avg"));
        assertArrayEquals(new byte[0], decoded.strategyState().get("detector"));
    }

    @Test
    void headerAndTrailerFollowTheDocumentedLayout() {
        byte[] bytes = SnapshotCodec.encode(everyField());
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);

        assertEquals("TTAS", new String(bytes, 0, 4, StandardCharsets.US_ASCII));
        assertEquals(1, in.getShort(4), "format version");
        assertEquals(1, in.getShort(6), "known-good flag");
        assertEquals(bytes.length - 20, in.getLong(8), "body length");
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        assertEquals((int) crc.getValue(), in.getInt(bytes.length - 4), "CRC32C trailer");
        // The body starts with the scope as a length-prefixed UTF-8 string.
        byte[] scope = "tenant/ß-流".getBytes(StandardCharsets.UTF_8);
        assertEquals(scope.length, in.getInt(16));
        assertArrayEquals(scope, Arrays.copyOfRange(bytes, 20, 20 + scope.length));
    }

    @Test
    void everyFlippedByteIsDetected() {
        byte[] bytes = SnapshotCodec.encode(everyField());
        for (int position = 0; position < bytes.length; position++) {
            byte[] corrupt = bytes.clone();
            corrupt[position] ^= 0x10;
            int at = position;
            assertThrows(CorruptSnapshotException.class, () -> SnapshotCodec.decode(corrupt),
                    () -> "flip at byte " + at + " of " + bytes.length + " went unnoticed");
        }
    }

    @Test
    void truncatedAndPaddedBytesAreRejected() {
        byte[] bytes = SnapshotCodec.encode(everyField());
        for (int length : new int[] {0, 3, 19, bytes.length / 2, bytes.length - 1}) {
            assertThrows(CorruptSnapshotException.class, () -> SnapshotCodec.decode(Arrays.copyOf(bytes, length)));
        }
        assertThrows(CorruptSnapshotException.class, () -> SnapshotCodec.decode(Arrays.copyOf(bytes, bytes.length + 1)));
    }

    @Test
    void anotherFormatVersionIsRefusedEvenWithAValidChecksum() {
        byte[] bytes = SnapshotCodec.encode(everyField());
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putShort(4, (short) 2);
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(bytes.length - 4, (int) crc.getValue());

        var error = assertThrows(CorruptSnapshotException.class, () -> SnapshotCodec.decode(bytes));
        assertTrue(error.getMessage().contains("format version 2"), error.getMessage());
    }

    @Test
    void codecWorksWithoutRocksDbOnTheClasspath() throws Exception {
        // The Flink job reuses the codec next to Flink's own RocksDB fork, so it must not touch org.rocksdb.
        URL classes = SnapshotCodec.class.getProtectionDomain().getCodeSource().getLocation();
        try (URLClassLoader withoutRocksDb = new URLClassLoader(new URL[] {classes}, ClassLoader.getPlatformClassLoader())) {
            assertThrows(ClassNotFoundException.class, () -> withoutRocksDb.loadClass("org.rocksdb.RocksDB"));
            Class<?> snapshotClass = withoutRocksDb.loadClass(Snapshot.class.getName());
            Class<?> codecClass = withoutRocksDb.loadClass(SnapshotCodec.class.getName());
            Object builder = snapshotClass.getMethod("builder", String.class, String.class).invoke(null, "flink-key", "m");
            builder.getClass().getMethod("tensor", String.class, int[].class, float[].class)
                    .invoke(builder, "w", new int[] {2}, new float[] {3f, 4f});
            Object snapshot = builder.getClass().getMethod("build").invoke(builder);
            byte[] bytes = (byte[]) codecClass.getMethod("encode", snapshotClass).invoke(null, snapshot);
            Object decoded = codecClass.getMethod("decode", byte[].class).invoke(null, (Object) bytes);

            assertEquals("flink-key", snapshotClass.getMethod("scope").invoke(decoded));
            assertEquals(2L, snapshotClass.getMethod("parameterCount").invoke(decoded));
        }
    }
}
