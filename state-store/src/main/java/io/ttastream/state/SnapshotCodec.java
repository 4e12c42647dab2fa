package io.ttastream.state;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The binary form of a {@link Snapshot}: used for values in the {@link WeightStore}, for
 * export/import files, and (by the Flink job) for keyed state. It uses no RocksDB type.
 *
 * <pre>
 * offset  size  field (all integers little-endian)
 * 0       4     magic "TTAS"
 * 4       2     format version (1)
 * 6       2     flags: bit 0 = known-good
 * 8       8     body length B
 * 16      B     body
 * 16+B    4     CRC32C of bytes [0, 16+B)
 *
 * body:  str scope, i64 version, str modelId, i64 createdAtMillis,
 *        i32 n, n x (str key, str value)                      tags
 *        i32 n, n x (str partition, i64 nextOffset)            position
 *        i32 n, n x (str name, i32 rank, rank x i32, f32...)   tensors, row-major
 *        i32 n, n x (str name, i32 length, length bytes)      strategy state
 * str:   i32 byte length, UTF-8 bytes
 * </pre>
 *
 * Little-endian so a float section can be read straight into numpy ({@code np.frombuffer(..., '<f4')}).
 * CRC32C is checked before anything is parsed, so a flipped bit anywhere is reported as
 * {@link CorruptSnapshotException}, never as wrong weights.
 */
public final class SnapshotCodec {

    /** The four bytes every encoded snapshot starts with. */
    public static final int MAGIC = 0x53415454; // "TTAS" read as a little-endian int
    /** The format version this codec writes and the only one it reads. */
    public static final short FORMAT_VERSION = 1;

    private static final int HEADER_BYTES = 16;
    private static final int CHECKSUM_BYTES = 4;
    private static final int FLAG_KNOWN_GOOD = 1;

    private SnapshotCodec() {
    }

    /** Encodes a snapshot into a fresh byte array (header, body, CRC32C). */
    public static byte[] encode(Snapshot snapshot) {
        long bodyBytes = bodySize(snapshot);
        long total = HEADER_BYTES + bodyBytes + CHECKSUM_BYTES;
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("snapshot too large for one array: " + total + " bytes");
        }
        byte[] bytes = new byte[(int) total];
        ByteBuffer out = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(MAGIC).putShort(FORMAT_VERSION).putShort((short) (snapshot.knownGood() ? FLAG_KNOWN_GOOD : 0));
        out.putLong(bodyBytes);

        putString(out, snapshot.scope());
        out.putLong(snapshot.version());
        putString(out, snapshot.modelId());
        out.putLong(snapshot.createdAtMillis());
        out.putInt(snapshot.tags().size());
        snapshot.tags().forEach((key, value) -> {
            putString(out, key);
            putString(out, value);
        });
        out.putInt(snapshot.position().size());
        snapshot.position().forEach((partition, offset) -> {
            putString(out, partition);
            out.putLong(offset);
        });
        out.putInt(snapshot.tensors().size());
        for (NamedTensor tensor : snapshot.tensors()) {
            putString(out, tensor.name());
            int[] shape = tensor.shape();
            out.putInt(shape.length);
            for (int dimension : shape) {
                out.putInt(dimension);
            }
            float[] values = tensor.values();
            out.asFloatBuffer().put(values); // bulk copy; the view does not move out's position
            out.position(out.position() + Float.BYTES * values.length);
        }
        out.putInt(snapshot.strategyState().size());
        snapshot.strategyState().forEach((name, blob) -> {
            putString(out, name);
            out.putInt(blob.length);
            out.put(blob);
        });

        out.putInt(crc32c(bytes, out.position()));
        return bytes;
    }

    /** Verifies and decodes bytes produced by {@link #encode}; throws {@link CorruptSnapshotException} otherwise. */
    public static Snapshot decode(byte[] bytes) {
        ByteBuffer in = verifiedBody(bytes);
        try {
            int flags = Short.toUnsignedInt(in.getShort(6));
            String scope = getString(in);
            long version = in.getLong();
            String modelId = getString(in);
            Snapshot.Builder builder = Snapshot.builder(scope, modelId)
                    .version(version)
                    .createdAtMillis(in.getLong())
                    .knownGood((flags & FLAG_KNOWN_GOOD) != 0);
            for (int i = 0, n = count(in); i < n; i++) {
                builder.tag(getString(in), getString(in));
            }
            for (int i = 0, n = count(in); i < n; i++) {
                builder.position(getString(in), in.getLong());
            }
            for (int i = 0, n = count(in); i < n; i++) {
                String name = getString(in);
                int[] shape = new int[count(in)];
                long elements = 1;
                for (int d = 0; d < shape.length; d++) {
                    shape[d] = count(in);
                    elements = Math.multiplyExact(elements, shape[d]);
                }
                if (elements * Float.BYTES > in.remaining()) {
                    throw new CorruptSnapshotException("tensor " + name + " runs past the end of the body");
                }
                float[] values = new float[(int) elements];
                in.asFloatBuffer().get(values);
                in.position(in.position() + Float.BYTES * values.length);
                builder.tensor(name, shape, values);
            }
            for (int i = 0, n = count(in); i < n; i++) {
                String name = getString(in);
                byte[] blob = new byte[length(in)];
                in.get(blob);
                builder.strategyState(name, blob);
            }
            if (in.remaining() != CHECKSUM_BYTES) {
                throw new CorruptSnapshotException((in.remaining() - CHECKSUM_BYTES) + " unexpected bytes after the body");
            }
            return builder.build();
        } catch (BufferUnderflowException | IllegalArgumentException | ArithmeticException e) {
            throw new CorruptSnapshotException("malformed snapshot body: " + e.getMessage(), e);
        }
    }

    /** The CRC32C stored in the trailer of encoded bytes (not verified; {@link #decode} does that). */
    public static int storedChecksum(byte[] bytes) {
        if (bytes.length < HEADER_BYTES + CHECKSUM_BYTES) {
            throw new CorruptSnapshotException("only " + bytes.length + " bytes, shorter than header and checksum");
        }
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(bytes.length - CHECKSUM_BYTES);
    }

    /** The format version written in the header of encoded bytes. */
    public static int formatVersion(byte[] bytes) {
        if (bytes.length < HEADER_BYTES) {
            throw new CorruptSnapshotException("only " + bytes.length + " bytes, shorter than the header");
        }
        return Short.toUnsignedInt(ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getShort(4));
    }

    /** Checks magic, format version, length and checksum; returns a buffer positioned at the body. */
    private static ByteBuffer verifiedBody(byte[] bytes) {
        int storedCrc = storedChecksum(bytes);
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (in.getInt() != MAGIC) {
            throw new CorruptSnapshotException("bad magic: not a tta snapshot");
        }
        int format = Short.toUnsignedInt(in.getShort());
        in.getShort(); // flags, read by decode once the checksum vouches for them
        long bodyBytes = in.getLong();
        if (bodyBytes != bytes.length - HEADER_BYTES - CHECKSUM_BYTES) {
            throw new CorruptSnapshotException("header announces " + bodyBytes + " body bytes, found "
                    + (bytes.length - HEADER_BYTES - CHECKSUM_BYTES) + " (truncated or padded)");
        }
        int actualCrc = crc32c(bytes, bytes.length - CHECKSUM_BYTES);
        if (actualCrc != storedCrc) {
            throw new CorruptSnapshotException(String.format("checksum mismatch: stored CRC32C %08x, computed %08x",
                    storedCrc, actualCrc));
        }
        if (format != FORMAT_VERSION) {
            throw new CorruptSnapshotException("unsupported snapshot format version " + format
                    + " (this build reads " + FORMAT_VERSION + ")");
        }
        return in;
    }

    private static int crc32c(byte[] bytes, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length);
        return (int) crc.getValue();
    }

    private static long bodySize(Snapshot snapshot) {
        long size = stringSize(snapshot.scope()) + Long.BYTES + stringSize(snapshot.modelId()) + Long.BYTES;
        size += Integer.BYTES;
        for (var tag : snapshot.tags().entrySet()) {
            size += stringSize(tag.getKey()) + stringSize(tag.getValue());
        }
        size += Integer.BYTES;
        for (String partition : snapshot.position().keySet()) {
            size += stringSize(partition) + Long.BYTES;
        }
        size += Integer.BYTES;
        for (NamedTensor tensor : snapshot.tensors()) {
            size += stringSize(tensor.name()) + Integer.BYTES * (1L + tensor.shape().length)
                    + (long) Float.BYTES * tensor.values().length;
        }
        size += Integer.BYTES;
        for (var blob : snapshot.strategyState().entrySet()) {
            size += stringSize(blob.getKey()) + Integer.BYTES + blob.getValue().length;
        }
        return size;
    }

    private static long stringSize(String s) {
        return Integer.BYTES + (long) s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static void putString(ByteBuffer out, String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        out.putInt(utf8.length).put(utf8);
    }

    private static String getString(ByteBuffer in) {
        byte[] utf8 = new byte[length(in)];
        in.get(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }

    /** Reads a count of items or a dimension: a non-negative 32-bit integer. */
    private static int count(ByteBuffer in) {
        int n = in.getInt();
        if (n < 0) {
            throw new CorruptSnapshotException("negative count " + n);
        }
        return n;
    }

    /** Reads a byte length, which cannot exceed what is left (checked before allocating). */
    private static int length(ByteBuffer in) {
        int n = count(in);
        if (n > in.remaining()) {
            throw new CorruptSnapshotException("length " + n + " runs past the end (" + in.remaining() + " bytes left)");
        }
        return n;
    }
}
