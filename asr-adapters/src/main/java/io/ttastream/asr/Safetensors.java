package io.ttastream.asr;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The safetensors file format (Hugging Face's model.safetensors): an 8-byte little-endian header
 * length, a JSON header giving each tensor's dtype, shape and byte range, then the raw
 * little-endian tensor bytes.
 */
public final class Safetensors {

    /** The element types we read and write. Everything is float32 once in memory. */
    public enum DType {
        F32(4), F16(2), BF16(2);

        /** Bytes per element. */
        public final int bytes;

        DType(int bytes) {
            this.bytes = bytes;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A header beyond this is a corrupt file, not a model (real headers are tens of kilobytes). */
    private static final long MAX_HEADER_BYTES = 100L << 20;

    private Safetensors() {
    }

    /** Reads every tensor, converted to float32, in file order. */
    public static Map<String, HostTensor> read(Path file) throws IOException {
        return read(file, name -> true);
    }

    /**
     * Reads the tensors whose names {@code include} accepts, converted to float32, in file order.
     * Tensors not included are skipped unread, whatever their dtype.
     */
    public static Map<String, HostTensor> read(Path file, Predicate<String> include) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            Header header = header(channel, file);
            Map<String, HostTensor> tensors = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = header.json().fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                String name = entry.getKey();
                if (name.equals("__metadata__") || !include.test(name)) {
                    continue;
                }
                tensors.put(name, readTensor(channel, header.dataStart(), channel.size(), name, entry.getValue(), file));
            }
            return tensors;
        } catch (NoSuchFileException e) {
            throw new CheckpointException("safetensors file not found: " + file, e);
        }
    }

    /** The header's string metadata ("__metadata__"), empty when it has none. */
    public static Map<String, String> metadata(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            Map<String, String> metadata = new LinkedHashMap<>();
            header(channel, file).json().path("__metadata__").fields()
                    .forEachRemaining(e -> metadata.put(e.getKey(), e.getValue().asText()));
            return metadata;
        } catch (NoSuchFileException e) {
            throw new CheckpointException("safetensors file not found: " + file, e);
        }
    }

    /** The parsed JSON header and the file offset where tensor data begins. */
    private record Header(JsonNode json, long dataStart) {
    }

    private static Header header(FileChannel channel, Path file) throws IOException {
        long fileSize = channel.size();
        ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, lengthBytes, 0, file);
        long headerLength = lengthBytes.getLong(0);
        if (headerLength <= 0 || headerLength > MAX_HEADER_BYTES || 8 + headerLength > fileSize) {
            throw new CheckpointException(file + " is not a safetensors file (header length " + headerLength
                    + ", file size " + fileSize + ")");
        }
        ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
        readFully(channel, headerBytes, 8, file);
        try {
            return new Header(JSON.readTree(new String(headerBytes.array(), StandardCharsets.UTF_8)), 8 + headerLength);
        } catch (JsonProcessingException e) {
            throw new CheckpointException(file + " has a corrupt safetensors header: " + e.getOriginalMessage(), e);
        }
    }

    private static HostTensor readTensor(FileChannel channel, long dataStart, long fileSize, String name,
                                         JsonNode info, Path file) throws IOException {
        String dtypeName = info.path("dtype").asText();
        DType dtype;
        try {
            dtype = DType.valueOf(dtypeName);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(file + ": tensor " + name + " has unsupported dtype " + dtypeName
                    + " (supported: " + Arrays.toString(DType.values()) + ")");
        }
        JsonNode shapeNode = info.path("shape");
        int[] shape = new int[shapeNode.size()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            shape[i] = shapeNode.get(i).asInt();
            count *= shape[i];
        }
        long begin = info.path("data_offsets").path(0).asLong(-1);
        long end = info.path("data_offsets").path(1).asLong(-1);
        if (begin < 0 || end - begin != count * dtype.bytes || dataStart + end > fileSize) {
            throw new CheckpointException(file + ": tensor " + name + " has byte range [" + begin + ", " + end
                    + ") that does not fit its shape " + Arrays.toString(shape) + " of " + dtype
                    + " or the file (truncated?)");
        }
        if (count > Integer.MAX_VALUE) {
            throw new CheckpointException(file + ": tensor " + name + " is too large: " + Arrays.toString(shape));
        }
        float[] data = new float[(int) count];
        if (count > 0) {
            MappedByteBuffer bytes = channel.map(FileChannel.MapMode.READ_ONLY, dataStart + begin, end - begin);
            decode(bytes.order(ByteOrder.LITTLE_ENDIAN), dtype, data);
        }
        return new HostTensor(shape, data);
    }

    /** Fills {@code out} from little-endian elements of {@code dtype}. */
    static void decode(ByteBuffer bytes, DType dtype, float[] out) {
        switch (dtype) {
            case F32 -> bytes.asFloatBuffer().get(out);
            case F16, BF16 -> {
                ShortBuffer halves = bytes.asShortBuffer();
                for (int i = 0; i < out.length; i++) {
                    short h = halves.get(i);
                    out[i] = dtype == DType.F16 ? HalfFloats.f16ToFloat(h) : HalfFloats.bf16ToFloat(h);
                }
            }
        }
    }

    /** Writes the tensors, in map order, with every element stored as {@code dtype} (rounded to nearest even). */
    public static void write(Path file, Map<String, HostTensor> tensors, DType dtype) throws IOException {
        ObjectNode header = JSON.createObjectNode();
        header.putObject("__metadata__").put("format", "pt"); // transformers refuses files without it
        long offset = 0;
        for (Map.Entry<String, HostTensor> entry : tensors.entrySet()) {
            HostTensor t = entry.getValue();
            ObjectNode info = header.putObject(entry.getKey());
            info.put("dtype", dtype.name());
            ArrayNode shape = info.putArray("shape");
            for (int d : t.shape()) {
                shape.add(d);
            }
            long bytes = (long) t.size() * dtype.bytes;
            info.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] headerJson = JSON.writeValueAsBytes(header);
        int padded = (headerJson.length + 7) / 8 * 8; // the reference writer aligns the data to 8 bytes with spaces
        ByteBuffer prefix = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        prefix.putLong(padded).put(headerJson);
        while (prefix.hasRemaining()) {
            prefix.put((byte) ' ');
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            writeFully(channel, prefix.flip());
            for (HostTensor t : tensors.values()) {
                writeFully(channel, encode(t.data(), dtype));
            }
        }
    }

    /** The little-endian bytes of {@code values} stored as {@code dtype}. */
    static ByteBuffer encode(float[] values, DType dtype) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * dtype.bytes).order(ByteOrder.LITTLE_ENDIAN);
        switch (dtype) {
            case F32 -> bytes.asFloatBuffer().put(values);
            case F16 -> {
                ShortBuffer halves = bytes.asShortBuffer();
                for (float v : values) {
                    halves.put(HalfFloats.floatToF16(v));
                }
            }
            case BF16 -> {
                ShortBuffer halves = bytes.asShortBuffer();
                for (float v : values) {
                    halves.put(HalfFloats.floatToBf16(v));
                }
            }
        }
        return bytes;
    }

    private static void readFully(FileChannel channel, ByteBuffer into, long position, Path file) throws IOException {
        while (into.hasRemaining()) {
            int n = channel.read(into, position + into.position());
            if (n < 0) {
                throw new CheckpointException(file + " ends early (truncated safetensors file)");
            }
        }
    }

    private static void writeFully(FileChannel channel, ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }
}
