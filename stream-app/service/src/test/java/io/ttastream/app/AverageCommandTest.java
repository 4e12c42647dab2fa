package io.ttastream.app;

import io.ttastream.adaptation.model.RandomCheckpoint;
import io.ttastream.asr.Checkpoint;
import io.ttastream.asr.HuggingFaceCheckpoints;
import io.ttastream.asr.Safetensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AverageCommandTest {
    @TempDir
    Path dir;

    @Test
    void writesALoadableModelWhoseWeightsLieBetweenTheTwo() throws Exception {
        Path first = save(RandomCheckpoint.create(RandomCheckpoint.tinyConfig(), 1), "first");
        Path second = save(RandomCheckpoint.create(RandomCheckpoint.tinyConfig(), 2), "second");
        Path out = dir.resolve("soup");

        int code = TtaCli.commandLine().execute("average", first.toString(), second.toString(),
                "--weight", "0.25", "--out", out.toString());

        assertEquals(0, code);
        Checkpoint a = HuggingFaceCheckpoints.load(first);
        Checkpoint b = HuggingFaceCheckpoints.load(second);
        Checkpoint soup = HuggingFaceCheckpoints.load(out);
        String name = "wav2vec2.encoder.layers.1.attention.q_proj.weight";
        float[] x = a.tensor(name).data();
        float[] y = b.tensor(name).data();
        float[] z = soup.tensor(name).data();
        for (int i = 0; i < z.length; i++) {
            assertEquals(0.75 * x[i] + 0.25 * y[i], z[i], 1e-6, "element " + i);
        }
        assertEquals(a.config(), soup.config());
        assertEquals(a.vocabulary(), soup.vocabulary());
        assertArrayEquals(a.tensors().keySet().toArray(), soup.tensors().keySet().toArray());
    }

    @Test
    void aBadWeightIsOneLineAndWritesNothing() throws Exception {
        Path first = save(RandomCheckpoint.create(RandomCheckpoint.tinyConfig(), 1), "first");
        Path out = dir.resolve("soup");
        StringWriter err = new StringWriter();
        CommandLine cli = TtaCli.commandLine();
        cli.setErr(new PrintWriter(err));

        int code = cli.execute("average", first.toString(), first.toString(), "--weight", "2", "--out", out.toString());

        assertEquals(1, code);
        assertTrue(err.toString().startsWith("tta average: weight must be in [0, 1]"), err.toString());
        assertFalse(Files.exists(out));
    }

    private Path save(Checkpoint checkpoint, String name) throws Exception {
        Path folder = dir.resolve(name);
        HuggingFaceCheckpoints.save(checkpoint, folder, Safetensors.DType.F32);
        return folder;
    }
}
