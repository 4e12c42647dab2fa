package io.ttastream.asr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A CTC vocabulary from vocab.json: token -> id. The blank is the pad token (id pad_token_id,
 * "&lt;pad&gt;" in wav2vec2 checkpoints); "|" separates words.
 */
public final class Vocabulary {
    public static final String WORD_DELIMITER = "|";
    private final String[] tokens;
    private final Map<String, Integer> ids;
    private final int blankId;

    public Vocabulary(Map<String, Integer> tokenToId, int blankId) {
        this.ids = new LinkedHashMap<>(tokenToId);
        this.tokens = new String[tokenToId.size()];
        tokenToId.forEach((token, id) -> {
            if (id < 0 || id >= tokens.length || tokens[id] != null) {
                throw new IllegalArgumentException("vocabulary ids must be 0.." + (tokens.length - 1)
                        + " without gaps or repeats; bad id " + id + " for '" + token + "'");
            }
            tokens[id] = token;
        });
        if (blankId < 0 || blankId >= tokens.length) {
            throw new IllegalArgumentException("blank id " + blankId + " outside the vocabulary");
        }
        this.blankId = blankId;
    }

    /** The vocabulary of facebook/wav2vec2-base-960h: upper-case letters, apostrophe, "|". */
    public static Vocabulary englishCharacters() {
        String[] tokens = {"<pad>", "<s>", "</s>", "<unk>", "|", "E", "T", "A", "O", "N", "I", "H", "S", "R", "D",
                "L", "U", "M", "W", "C", "F", "G", "Y", "P", "B", "V", "K", "'", "X", "J", "Q", "Z"};
        Map<String, Integer> map = new LinkedHashMap<>();
        for (int i = 0; i < tokens.length; i++) {
            map.put(tokens[i], i);
        }
        return new Vocabulary(map, 0);
    }

    public static Vocabulary fromJson(String json, int blankId) throws CheckpointException {
        try {
            JsonNode root = new ObjectMapper().readTree(json);
            Map<String, Integer> map = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                map.put(e.getKey(), e.getValue().asInt());
            }
            return new Vocabulary(map, blankId);
        } catch (Exception e) {
            throw new CheckpointException("vocab.json: " + e.getMessage(), e);
        }
    }

    public String toJson() {
        ObjectNode root = new ObjectMapper().createObjectNode();
        for (int i = 0; i < tokens.length; i++) {
            root.put(tokens[i], i);
        }
        return root.toPrettyString();
    }

    public int size() {
        return tokens.length;
    }

    public int blankId() {
        return blankId;
    }

    public String token(int id) {
        return tokens[id];
    }

    /** The id of a token, or -1 when the vocabulary lacks it. */
    public int id(String token) {
        return ids.getOrDefault(token, -1);
    }

    /** All tokens by id. */
    public String[] tokens() {
        return tokens.clone();
    }
}
