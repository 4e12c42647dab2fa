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
        write("{\"lr\": 1e-4}");
        assertEquals(1e-4, AdaptationDefaults.read(checkpointDir).lr().orElseThrow());
    }

    @Test
    void anEmptyObjectRecommendsNothing() throws Exception {
        write("{}");
        assertTrue(AdaptationDefaults.read(checkpointDir).lr().isEmpty());
    }

    @Test
    void aMisspeltSettingIsRefusedByName() throws Exception {
        write("{\"learning_rate\": 1e-4}");
        CheckpointException e = assertThrows(CheckpointException.class, () -> AdaptationDefaults.read(checkpointDir));
        assertTrue(e.getMessage().contains("\"learning_rate\"") && e.getMessage().contains(AdaptationDefaults.FILE),
                e.getMessage());
    }

    @Test
    void aLearningRateThatIsNotAPositiveNumberIsRefused() throws Exception {
        for (String bad : new String[]{"{\"lr\": 0}", "{\"lr\": -1e-4}", "{\"lr\": \"1e-4\"}", "{\"lr\": null}", "{\"lr\": 1e999}"}) {
            write(bad);
            CheckpointException e = assertThrows(CheckpointException.class, () -> AdaptationDefaults.read(checkpointDir), bad);
            assertTrue(e.getMessage().contains("lr must be a positive number"), e.getMessage());
        }
    }

    @Test
    void somethingOtherThanAJsonObjectIsRefused() throws Exception {
        write("[1e-4]");
        assertThrows(CheckpointException.class, () -> AdaptationDefaults.read(checkpointDir));
        write("{\"lr\": ");
        CheckpointException e = assertThrows(CheckpointException.class, () -> AdaptationDefaults.read(checkpointDir));
        assertTrue(e.getMessage().contains("is not valid JSON"), e.getMessage());
    }

    private void write(String json) throws Exception {
        Files.writeString(checkpointDir.resolve(AdaptationDefaults.FILE), json);
    }
}
