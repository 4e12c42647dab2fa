package io.ttastream.asr;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VocabularyTest {

    /** facebook/wav2vec2-base-960h's vocab.json as published. */
    static final String BASE_960H_VOCAB = "{\"<pad>\": 0, \"<s>\": 1, \"</s>\": 2, \"<unk>\": 3, \"|\": 4, \"E\": 5,"
            + " \"T\": 6, \"A\": 7, \"O\": 8, \"N\": 9, \"I\": 10, \"H\": 11, \"S\": 12, \"R\": 13, \"D\": 14, \"L\": 15,"
            + " \"U\": 16, \"M\": 17, \"W\": 18, \"C\": 19, \"F\": 20, \"G\": 21, \"Y\": 22, \"P\": 23, \"B\": 24,"
            + " \"V\": 25, \"K\": 26, \"'\": 27, \"X\": 28, \"J\": 29, \"Q\": 30, \"Z\": 31}";

    @TempDir
    Path dir;

    @Test
    void readsTheBase960hVocabulary() throws IOException {
        Path file = Files.writeString(dir.resolve("vocab.json"), BASE_960H_VOCAB);
        Vocabulary vocabulary = Vocabulary.fromJson(file);
        assertEquals(32, vocabulary.size());
        assertEquals(0, vocabulary.blankId());
        assertEquals("<pad>", vocabulary.token(vocabulary.blankId()));
        assertEquals(4, vocabulary.id(vocabulary.wordDelimiter()));
        assertEquals("E", vocabulary.token(5));
        assertEquals(27, vocabulary.id("'"));
        assertTrue(vocabulary.contains("Z"));
        assertFalse(vocabulary.contains("a"));
        assertEquals(Vocabulary.base960h(), vocabulary);
        assertThrows(IllegalArgumentException.class, () -> vocabulary.id("a"));
        assertThrows(IndexOutOfBoundsException.class, () -> vocabulary.token(32));
    }

    @Test
    void blankFollowsThePadTokenOrTheGivenId() throws IOException {
        Path file = Files.writeString(dir.resolve("vocab.json"), "{\"a\": 0, \"b\": 1, \"<pad>\": 2}");
        assertEquals(2, Vocabulary.fromJson(file).blankId());
        assertEquals(1, Vocabulary.fromJson(file, 1).blankId());
        assertEquals(Vocabulary.fromJson(file), Vocabulary.fromJson(Files.writeString(dir.resolve("again.json"),
                Vocabulary.fromJson(file).toJson())));
    }

    @Test
    void rejectsBadFiles() throws IOException {
        Path gap = Files.writeString(dir.resolve("gap.json"), "{\"a\": 0, \"b\": 2}");
        CheckpointException e = assertThrows(CheckpointException.class, () -> Vocabulary.fromJson(gap));
        assertTrue(e.getMessage().contains("gap.json"), e.getMessage());
        Path twice = Files.writeString(dir.resolve("twice.json"), "{\"a\": 0, \"b\": 0}");
        assertThrows(CheckpointException.class, () -> Vocabulary.fromJson(twice));
        Path nested = Files.writeString(dir.resolve("nested.json"), "{\"en\": {\"a\": 0}}");
        assertThrows(CheckpointException.class, () -> Vocabulary.fromJson(nested));
        CheckpointException missing = assertThrows(CheckpointException.class,
                () -> Vocabulary.fromJson(dir.resolve("absent.json")));
        assertTrue(missing.getMessage().contains("absent.json"), missing.getMessage());
    }
}
