package io.ttastream.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TrainCommandTest {
    @TempDir
    Path dir;

    @Test
    void validatesOnTheDevelopmentHalfWhenSynthWroteOneElseOnTheWholeHeldOutSet() throws Exception {
        Path train = dir.resolve("train.tsv");
        Files.writeString(train, "");
        Files.writeString(dir.resolve("heldout.tsv"), "");
        assertEquals(dir.resolve("heldout.tsv"), TrainCommand.defaultValidation(train));

        Files.writeString(dir.resolve("dev.tsv"), "");
        assertEquals(dir.resolve("dev.tsv"), TrainCommand.defaultValidation(train));
    }
}
