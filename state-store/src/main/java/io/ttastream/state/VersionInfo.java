package io.ttastream.state;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a listing shows about one stored version, read from the small {@code versions} index
 * without touching the (large) snapshot value.
 *
 * @param scope           the adaptation scope
 * @param version         the version number
 * @param createdAtMillis creation time, milliseconds since the epoch
 * @param modelId         the base model the weights belong to
 * @param formatVersion   the {@link SnapshotCodec} format of the stored value
 * @param encodedBytes    size of the stored value
 * @param checksum        CRC32C stored in the value's trailer
 * @param parameterCount  number of float parameters
 * @param tags            the snapshot's free-form labels
 * @param knownGood       whether the version is marked known-good now
 * @param head            whether the scope's head pointer is on this version
 */
public record VersionInfo(String scope, long version, long createdAtMillis, String modelId, int formatVersion,
                          long encodedBytes, int checksum, long parameterCount, Map<String, String> tags,
                          boolean knownGood, boolean head) {

    /** Summarises a snapshot about to be stored as {@code encoded}. */
    static VersionInfo of(Snapshot snapshot, byte[] encoded) {
        return new VersionInfo(snapshot.scope(), snapshot.version(), snapshot.createdAtMillis(), snapshot.modelId(),
                SnapshotCodec.formatVersion(encoded), encoded.length, SnapshotCodec.storedChecksum(encoded),
                snapshot.parameterCount(), snapshot.tags(), snapshot.knownGood(), false);
    }

    /** The index entry: every field except scope and version (in the key) and the flags (kept elsewhere). */
    byte[] toIndexValue() {
        var bytes = new ByteArrayOutputStream();
        try (var out = new DataOutputStream(bytes)) {
            out.writeLong(createdAtMillis);
            out.writeUTF(modelId);
            out.writeShort(formatVersion);
            out.writeLong(encodedBytes);
            out.writeInt(checksum);
            out.writeLong(parameterCount);
            out.writeInt(tags.size());
            for (var tag : tags.entrySet()) {
                out.writeUTF(tag.getKey());
                out.writeUTF(tag.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Reads an index entry written by {@link #toIndexValue}, adding the key parts and current flags. */
    static VersionInfo fromIndexValue(String scope, long version, byte[] value, boolean knownGood, boolean head) {
        try (var in = new DataInputStream(new ByteArrayInputStream(value))) {
            long created = in.readLong();
            String model = in.readUTF();
            int format = in.readUnsignedShort();
            long size = in.readLong();
            int crc = in.readInt();
            long parameters = in.readLong();
            Map<String, String> tags = new LinkedHashMap<>();
            for (int i = in.readInt(); i > 0; i--) {
                tags.put(in.readUTF(), in.readUTF());
            }
            return new VersionInfo(scope, version, created, model, format, size, crc, parameters,
                    Collections.unmodifiableMap(tags), knownGood, head);
        } catch (IOException e) {
            throw new CorruptSnapshotException("unreadable version index entry for " + scope + " v" + version, e);
        }
    }
}
