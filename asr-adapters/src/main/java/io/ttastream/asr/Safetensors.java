package io.ttastream.asr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The safetensors format: an 8-byte little-endian header length, a JSON header naming each
 * tensor's dtype, shape and byte range, then the raw little-endian data. Tensors are read into
 * float32 whatever their stored precision.
 */
public final class Safetensors {
    /** Stored element types this reader understands. */
    public enum DType {
        F32(4), F16(2), BF16(2);

        final int bytes;

        DType(int bytes) {
            this.bytes = bytes;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private Safetensors() {
    }

    /** Every tensor in the file, in the file's order, as float32. */
    public static Map<String, HostTensor> read(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, lengthBytes, 0, file);
            long headerLength = lengthBytes.flip().getLong();
            if (headerLength <= 0 || headerLength > 100_000_000 || 8 + headerLength > channel.size()) {
                throw new CheckpointException(file + ": not a safetensors file (header length " + headerLength + ")");
            }
            ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
            readFully(channel, headerBytes, 8, file);
            JsonNode header = JSON.readTree(new String(headerBytes.array(), StandardCharsets.UTF_8));
            long dataStart = 8 + headerLength;
            Map<String, HostTensor> tensors = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                if (entry.getKey().equals("__metadata__")) {
                    continue;
                }
                tensors.put(entry.getKey(), readTensor(channel, file, entry.getKey(), entry.getValue(), dataStart));
            }
            return tensors;
        }
    }

    /** The string metadata of the header ("__metadata__"), empty when there is none. */
    public static Map<String, String> metadata(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, lengthBytes, 0, file);
            ByteBuffer headerBytes = ByteBuffer.allocate((int) lengthBytes.flip().getLong());
            readFully(channel, headerBytes, 8, file);
            JsonNode meta = JSON.readTree(new String(headerBytes.array(), StandardCharsets.UTF_8)).path("__metadata__");
            Map<String, String> out = new LinkedHashMap<>();
            meta.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
            return out;
        }
    }

    private static HostTensor readTensor(FileChannel channel, Path file, String name, JsonNode info, long dataStart)
            throws IOException {
        DType dtype;
        try {
            dtype = DType.valueOf(info.path("dtype").asText());
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(file + ": tensor " + name + " has unsupported dtype "
                    + info.path("dtype").asText() + " (supported: F32, F16, BF16)");
        }
        JsonNode shapeNode = info.path("shape");
        int[] shape = new int[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = shapeNode.get(i).asInt();
        }
        if (shape.length == 0) {
            shape = new int[]{1};
        }
        long begin = info.path("data_offsets").get(0).asLong();
        long end = info.path("data_offsets").get(1).asLong();
        int count = HostTensor.size(shape);
        if (end - begin != (long) count * dtype.bytes) {
            throw new CheckpointException(file + ": tensor " + name + " has " + (end - begin) + " bytes for "
                    + count + " " + dtype + " elements");
        }
        ByteBuffer bytes = ByteBuffer.allocate((int) (end - begin)).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, bytes, dataStart + begin, file);
        bytes.flip();
        float[] data = new float[count];
        for (int i = 0; i < count; i++) {
            data[i] = switch (dtype) {
                case F32 -> bytes.getFloat();
                case F16 -> Half.toFloat(bytes.getShort());
                case BF16 -> Float.intBitsToFloat((bytes.getShort() & 0xffff) << 16);
            };
        }
        return new HostTensor(shape, data);
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position, Path file) throws IOException {
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position + buffer.position());
            if (n < 0) {
                throw new CheckpointException(file + ": truncated safetensors file");
            }
        }
    }

    /** Writes the tensors (in map order) in the given precision. */
    public static void write(Path file, Map<String, HostTensor> tensors, DType dtype) throws IOException {
        write(file, tensors, dtype, Map.of());
    }

    public static void write(Path file, Map<String, HostTensor> tensors, DType dtype, Map<String, String> metadata)
            throws IOException {
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
            ObjectNode info = header.putObject(e.getKey());
            info.put("dtype", dtype.name());
            for (int d : e.getValue().shape()) {
                info.withArray("shape").add(d);
            }
            long size = (long) e.getValue().size() * dtype.bytes;
            info.putArray("data_offsets").add(offset).add(offset + size);
            offset += size;
        }
        byte[] headerJson = JSON.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        int padded = (headerJson.length + 7) / 8 * 8;
        try (OutputStream out = Files.newOutputStream(file)) {
            ByteBuffer prefix = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
            prefix.putLong(padded).put(headerJson);
            while (prefix.hasRemaining()) {
                prefix.put((byte) ' ');
            }
            out.write(prefix.array());
            for (HostTensor t : tensors.values()) {
                ByteBuffer data = ByteBuffer.allocate(t.size() * dtype.bytes).order(ByteOrder.LITTLE_ENDIAN);
                for (float v : t.data()) {
                    switch (dtype) {
                        case F32 -> data.putFloat(v);
                        case F16 -> data.putShort(Half.fromFloat(v));
                        case BF16 -> data.putShort(toBfloat16(v));
                    }
                }
                out.write(data.array());
            }
        }
    }

    /** Round to nearest even, as torch does when casting to bfloat16. */
    private static short toBfloat16(float v) {
        int bits = Float.floatToRawIntBits(v);
        if (Float.isNaN(v)) {
            return (short) 0x7fc0;
        }
        int rounding = 0x7fff + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }
}
