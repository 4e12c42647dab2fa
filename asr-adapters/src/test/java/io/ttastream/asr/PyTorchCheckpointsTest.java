package io.ttastream.asr;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reads files written by real torch.save (see src/test/resources/pytorch/make_fixtures.py). */
class PyTorchCheckpointsTest {

    @TempDir
    Path dir;

    static Path fixture(String name) {
        try {
            return Path.of(PyTorchCheckpointsTest.class.getResource("/pytorch/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void readsDtypesAndStridedViews() throws IOException {
        Map<String, HostTensor> t = PyTorchCheckpoints.read(fixture("tensors.bin"), name -> !name.equals("i64"));
        assertEquals(List.of("f32", "f16", "bf16", "transposed", "big", "view"), List.copyOf(t.keySet()));
        assertArrayEquals(new int[]{2, 3}, t.get("f32").shape());
        assertArrayEquals(new float[]{0, 0.5f, 1, 1.5f, 2, 2.5f}, t.get("f32").data());
        assertArrayEquals(new float[]{0.333251953125f, 0.0999755859375f, -2f, 65504f}, t.get("f16").data());
        assertArrayEquals(new float[]{0.333984375f, -1.5f}, t.get("bf16").data());
        // arange(6).reshape(2, 3).t(): [[0, 3], [1, 4], [2, 5]]
        assertArrayEquals(new int[]{3, 2}, t.get("transposed").shape());
        assertArrayEquals(new float[]{0, 3, 1, 4, 2, 5}, t.get("transposed").data());
        assertArrayEquals(new float[]{2, 3, 4, 5}, t.get("view").data());
        assertEquals(10, t.get("big").size());
    }

    @Test
    void int64TensorIsRefusedByName() {
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> PyTorchCheckpoints.read(fixture("tensors.bin")));
        assertTrue(e.getMessage().contains("i64") && e.getMessage().contains("LongStorage"), e.getMessage());
    }

    @Test
    void loadsACheckpointDirectoryFromPytorchModelBin() throws IOException {
        Checkpoint fromBin = HuggingFaceCheckpoints.load(fixture("tiny-ctc-bin"));
        Checkpoint fromSafetensors = HuggingFaceCheckpoints.load(fixture("tiny-ctc-safetensors"));
        assertEquals("layer", fromBin.config().featExtractNorm());
        assertTrue(fromBin.config().doStableLayerNorm());
        assertEquals(fromSafetensors.tensors().keySet(), fromBin.tensors().keySet());
        assertEquals(fromSafetensors.tensors(), fromBin.tensors());
        assertArrayEquals(new int[]{1, 1, 4}, fromBin.tensor("wav2vec2.encoder.pos_conv_embed.conv.weight_g").shape());
        assertEquals(5, fromBin.vocabulary().size());
    }

    @Test
    void notAZipFileIsRefused() throws IOException {
        Path legacy = Files.write(dir.resolve("legacy.bin"), new byte[]{(byte) 0x80, 0x02, (byte) 0x8a, 0x0a});
        CheckpointException e = assertThrows(CheckpointException.class, () -> PyTorchCheckpoints.read(legacy));
        assertTrue(e.getMessage().contains("legacy.bin"), e.getMessage());
        assertThrows(CheckpointException.class, () -> PyTorchCheckpoints.read(dir.resolve("absent.bin")));
    }
}
