package io.ttastream.asr;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafetensorsTest {

    @TempDir
    Path dir;

    /** A safetensors file assembled by hand from the format description: u64 header length, JSON, data. */
    static byte[] handMade(String headerJson, byte[] data) {
        byte[] header = headerJson.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(header.length).put(header).put(data);
        return b.array();
    }

    static byte[] littleEndian(float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    @Test
    void readsAHandMadeFileInFileOrder() throws IOException {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        data.writeBytes(littleEndian(1, 2, 3, 4, 5, 6));
        data.writeBytes(new byte[]{0x00, 0x3C, 0x55, 0x35});        // F16 1.0, 0.333251953125
        data.writeBytes(new byte[]{(byte) 0xC0, (byte) 0xBF});      // BF16 -1.5
        String header = "{\"zeta\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]},"
                + "\"__metadata__\":{\"format\":\"pt\"},"
                + "\"alpha\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[24,28]},"
                + "\"mid\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[28,30]}}";
        Path file = Files.write(dir.resolve("hand.safetensors"), handMade(header, data.toByteArray()));

        Map<String, HostTensor> tensors = Safetensors.read(file);
        assertEquals(List.of("zeta", "alpha", "mid"), List.copyOf(tensors.keySet()));
        assertArrayEquals(new int[]{2, 3}, tensors.get("zeta").shape());
        assertArrayEquals(new float[]{1, 2, 3, 4, 5, 6}, tensors.get("zeta").data());
        assertArrayEquals(new float[]{1f, 0.333251953125f}, tensors.get("alpha").data());
        assertArrayEquals(new float[]{-1.5f}, tensors.get("mid").data());
    }

    @Test
    void writesWhatTheFormatSays() throws IOException {
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        tensors.put("b", new HostTensor(new int[]{3}, new float[]{1f / 3, 0.1f, -2f}));
        tensors.put("a", new HostTensor(new int[]{1, 1}, new float[]{65504f}));
        Path file = dir.resolve("out.safetensors");
        Safetensors.write(file, tensors, Safetensors.DType.F16);

        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = bytes.getLong(0);
        assertEquals(0, headerLength % 8, "data must start 8-byte aligned");
        String header = new String(bytes.array(), 8, (int) headerLength, StandardCharsets.UTF_8);
        assertTrue(header.contains("\"b\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[0,6]}"), header);
        assertTrue(header.contains("\"a\":{\"dtype\":\"F16\",\"shape\":[1,1],\"data_offsets\":[6,8]}"), header);
        assertTrue(header.contains("\"format\":\"pt\""), header);
        int data = 8 + (int) headerLength;
        assertEquals(8, bytes.capacity() - data);
        // IEEE half patterns of 1/3, 0.1, -2 and 65504.
        assertEquals((short) 0x3555, bytes.getShort(data));
        assertEquals((short) 0x2E66, bytes.getShort(data + 2));
        assertEquals((short) 0xC000, bytes.getShort(data + 4));
        assertEquals((short) 0x7BFF, bytes.getShort(data + 6));

        Map<String, HostTensor> back = Safetensors.read(file);
        assertEquals(List.of("b", "a"), List.copyOf(back.keySet()));
        assertArrayEquals(new float[]{0.333251953125f, 0.0999755859375f, -2f}, back.get("b").data());
    }

    @Test
    void float32AndBfloat16RoundTrips() throws IOException {
        Map<String, HostTensor> tensors = Map.of("x", new HostTensor(new int[]{2, 2}, new float[]{1f / 3, -0f, 1e-30f, 7f}));
        Path f32 = dir.resolve("f32.safetensors");
        Safetensors.write(f32, tensors, Safetensors.DType.F32);
        assertEquals(tensors.get("x"), Safetensors.read(f32).get("x"));
        Path bf16 = dir.resolve("bf16.safetensors");
        Safetensors.write(bf16, tensors, Safetensors.DType.BF16);
        // 1/3 rounds to bfloat16 0x3EAB = 0.333984375.
        assertEquals(0.333984375f, Safetensors.read(bf16).get("x").data()[0]);
        assertEquals(7f, Safetensors.read(bf16).get("x").data()[3]);
    }

    @Test
    void unsupportedDtypeNamesTheTensorUnlessSkipped() throws IOException {
        String header = "{\"steps\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}";
        byte[] data = new byte[12];
        System.arraycopy(littleEndian(2.5f), 0, data, 8, 4);
        Path file = Files.write(dir.resolve("ints.safetensors"), handMade(header, data));
        CheckpointException e = assertThrows(CheckpointException.class, () -> Safetensors.read(file));
        assertTrue(e.getMessage().contains("steps") && e.getMessage().contains("I64"), e.getMessage());
        assertArrayEquals(new float[]{2.5f}, Safetensors.read(file, name -> !name.equals("steps")).get("w").data());
    }

    @Test
    void truncatedAndGarbageFilesFailClearly() throws IOException {
        String header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}";
        Path truncated = Files.write(dir.resolve("cut.safetensors"), handMade(header, new byte[10]));
        CheckpointException e = assertThrows(CheckpointException.class, () -> Safetensors.read(truncated));
        assertTrue(e.getMessage().contains("cut.safetensors") && e.getMessage().contains("w"), e.getMessage());
        Path garbage = Files.writeString(dir.resolve("garbage.safetensors"), "this is not a tensor file");
        assertThrows(CheckpointException.class, () -> Safetensors.read(garbage));
        assertThrows(CheckpointException.class, () -> Safetensors.read(dir.resolve("absent.safetensors")));
    }
}
