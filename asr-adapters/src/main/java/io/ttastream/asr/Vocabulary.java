package io.ttastream.asr;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The CTC output vocabulary of a wav2vec2 model, as Hugging Face's vocab.json maps tokens to ids.
 *
 * <p>Ids are dense, 0 to size() - 1. One of them is the CTC blank (the pad token, id 0 in
 * wav2vec2-base-960h), and "|" stands for the space between words.
 */
public final class Vocabulary {

    /** The token Hugging Face's CTC tokenizers use for the space between words. */
    public static final String WORD_DELIMITER = "|";
    /** The pad token; CTC uses it as the blank unless config.json says otherwise. */
    public static final String PAD = "<pad>";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> tokens;
    private final Map<String, Integer> ids;
    private final int blankId;

    private Vocabulary(List<String> tokens, int blankId) {
        if (blankId < 0 || blankId >= tokens.size()) {
            throw new IllegalArgumentException("blank id " + blankId + " is outside the vocabulary of " + tokens.size());
        }
        this.tokens = List.copyOf(tokens);
        this.ids = new HashMap<>();
        for (int id = 0; id < tokens.size(); id++) {
            if (ids.put(tokens.get(id), id) != null) {
                throw new IllegalArgumentException("token \"" + tokens.get(id) + "\" appears twice in the vocabulary");
            }
        }
        this.blankId = blankId;
    }

    /** A vocabulary whose token {@code i} has id {@code i}. */
    public static Vocabulary of(List<String> tokens, int blankId) {
        return new Vocabulary(tokens, blankId);
    }

    /** The vocabulary of facebook/wav2vec2-base-960h: specials, "|", then letters by frequency. */
    public static Vocabulary base960h() {
        return of(Arrays.asList("<pad>", "<s>", "</s>", "<unk>", "|", "E", "T", "A", "O", "N", "I", "H", "S", "R",
                "D", "L", "U", "M", "W", "C", "F", "G", "Y", "P", "B", "V", "K", "'", "X", "J", "Q", "Z"), 0);
    }

    /** Reads vocab.json; the blank is {@value #PAD} when present, else id 0. */
    public static Vocabulary fromJson(Path file) throws IOException {
        return fromJson(file, -1);
    }

    /** Reads vocab.json with the given blank id (config.json's pad_token_id); -1 picks as {@link #fromJson(Path)} does. */
    public static Vocabulary fromJson(Path file, int blankId) throws IOException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new CheckpointException("vocabulary file not found: " + file, e);
        }
        try {
            return fromJson(JSON.readTree(text), blankId);
        } catch (JsonProcessingException e) {
            throw new CheckpointException(file + " is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(file + ": " + e.getMessage(), e);
        }
    }

    /** Builds the vocabulary from a parsed vocab.json object (token to id). */
    public static Vocabulary fromJson(JsonNode json, int blankId) {
        if (!json.isObject()) {
            throw new IllegalArgumentException("a vocabulary must be a JSON object of token to id");
        }
        String[] byId = new String[json.size()];
        for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (!entry.getValue().canConvertToInt()) {
                // Multilingual tokenizers nest one vocabulary per language; we take a flat one.
                throw new IllegalArgumentException("token \"" + entry.getKey() + "\" maps to " + entry.getValue()
                        + ", not an integer id (per-language vocabularies are not supported)");
            }
            int id = entry.getValue().asInt();
            if (id < 0 || id >= byId.length || byId[id] != null) {
                throw new IllegalArgumentException("token ids must be 0.." + (byId.length - 1)
                        + ", each once; \"" + entry.getKey() + "\" has id " + id);
            }
            byId[id] = entry.getKey();
        }
        List<String> tokens = Arrays.asList(byId);
        if (blankId < 0) {
            blankId = Math.max(0, tokens.indexOf(PAD));
        }
        return new Vocabulary(tokens, blankId);
    }

    /** The vocabulary as vocab.json text (token to id, in id order). */
    public String toJson() {
        ObjectNode json = JSON.createObjectNode();
        for (int id = 0; id < tokens.size(); id++) {
            json.put(tokens.get(id), id);
        }
        return json.toPrettyString();
    }

    /** Number of tokens. */
    public int size() {
        return tokens.size();
    }

    /** The CTC blank's id. */
    public int blankId() {
        return blankId;
    }

    /** The token with this id. */
    public String token(int id) {
        if (id < 0 || id >= tokens.size()) {
            throw new IndexOutOfBoundsException("token id " + id + " is outside the vocabulary of " + tokens.size());
        }
        return tokens.get(id);
    }

    /** The id of this token; throws if it is not in the vocabulary (see {@link #contains}). */
    public int id(String token) {
        Integer id = ids.get(token);
        if (id == null) {
            throw new IllegalArgumentException("token \"" + token + "\" is not in the vocabulary");
        }
        return id;
    }

    /** True when the token is in the vocabulary. */
    public boolean contains(String token) {
        return ids.containsKey(token);
    }

    /** The token that separates words, {@value #WORD_DELIMITER}. */
    public String wordDelimiter() {
        return WORD_DELIMITER;
    }

    /** The tokens in id order. */
    public List<String> tokens() {
        return tokens;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Vocabulary v && blankId == v.blankId && tokens.equals(v.tokens);
    }

    @Override
    public int hashCode() {
        return 31 * tokens.hashCode() + blankId;
    }

    @Override
    public String toString() {
        return "Vocabulary(" + tokens.size() + " tokens, blank " + tokens.get(blankId) + ")";
    }
}
