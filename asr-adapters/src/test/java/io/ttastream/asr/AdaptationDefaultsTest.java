package io.ttastream.asr;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AdaptationDefaultsTest {

    @TempDir
    Path checkpointDir;

    @Test
    void aFolderWithoutTheFileRecommendsNothing() throws Exception {
        assertEquals(AdaptationDefaults.NONE, AdaptationDefaults.read(checkpointDir));
    }

    @Test
    void readsTheRecommendedLearningRate() throws Exception {
        write("{\"suta_lr\": 1e-4}");
        AdaptationDefaults defaults = AdaptationDefaults.read(checkpointDir);
        assertEquals(1e-4, defaults.lrFor("suta").orElseThrow());
        for (String continual : new String[]{"csuta", "csuta-reset", "fast-only", "slow-only", "dsuta"}) {
            assertTrue(defaults.lrFor(continual).isEmpty(), continual + " keeps the reference rate");
        }
    }

    @Test
    void anEmptyObjectRecommendsNothing() throws Exception {
        write("{}");
        assertTrue(AdaptationDefaults.read(checkpointDir).sutaLr().isEmpty());
    }

    @Test
    void aMisspeltSettingIsRefusedByName() throws Exception {
        write("{\"lr\": 1e-4}");
        CheckpointException e = assertThrows(CheckpointException.class, () -> AdaptationDefaults.read(checkpointDir));
        assertTrue(e.getMessage().contains("\"lr\"") && e.getMessage().contains(AdaptationDefaults.FILE),
                e.getMessage());
    }

    @Test
    void aLearningRateThatIsNotAPositiveNumberIsRefused() throws Exception {
        for (String bad : new String[]{"{\"suta_lr\": 0}", "{\"suta_lr\": -1e-4}", "{\"suta_lr\": \"1e-4\"}", "{\"suta_lr\": null}", "{\"suta_lr\": 1e999}"}) {
            write(bad);
            CheckpointException e = assertThrows(CheckpointException.class, () -> AdaptationDefaults.read(checkpointDir), bad);
            assertTrue(e.getMessage().contains("suta_lr must be a positive number"), e.getMessage());
        }
    }

    @Test
    void somethingOtherThanAJsonObjectIsRefused() throws Exception {
        write("[1e-4]");
        assertThrows(CheckpointException.class, () -> AdaptationDefaults.read(checkpointDir));
        write("{\"suta_lr\": ");
        CheckpointException e = assertThrows(CheckpointException.class, () -> AdaptationDefaults.read(checkpointDir));
        assertTrue(e.getMessage().contains("is not valid JSON"), e.getMessage());
    }

    private void write(String json) throws Exception {
        Files.writeString(checkpointDir.resolve(AdaptationDefaults.FILE), json);
    }
}
