package io.ttastream.asr;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.OptionalDouble;

/**
 * The test-time adaptation settings a checkpoint's folder recommends, from {@value #FILE}: tta-stream's own file
 * beside Hugging Face's, the way {@code generation_config.json} carries a model's decoding defaults. It holds one
 * setting, {@code {"lr": 1e-4}}: the SUTA learning rate, which depends on the model (the reference 2e-5 was chosen
 * for wav2vec2-base; a small model trained from scratch may want another). A folder without the file, every
 * published Hugging Face checkpoint, recommends nothing and the reference settings apply.
 *
 * @param lr the recommended SUTA learning rate, if the file names one
 */
public record AdaptationDefaults(OptionalDouble lr) {

    public static final String FILE = "adaptation_config.json";
    public static final AdaptationDefaults NONE = new AdaptationDefaults(OptionalDouble.empty());

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Reads {@value #FILE} from a checkpoint folder, or {@link #NONE} when it has none.
     *
     * @throws CheckpointException naming the file when it is not a JSON object of known settings with valid values
     */
    public static AdaptationDefaults read(Path checkpointDir) throws IOException {
        Path file = checkpointDir.resolve(FILE);
        if (!Files.exists(file)) {
            return NONE;
        }
        JsonNode json;
        try {
            json = JSON.readTree(Files.readString(file));
        } catch (JsonProcessingException e) {
            throw new CheckpointException(file + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (json == null || !json.isObject()) {
            throw new CheckpointException(file + " must be a JSON object, e.g. {\"lr\": 1e-4}");
        }
        // A misspelt setting would otherwise be ignored without a word.
        for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("lr")) {
                throw new CheckpointException(file + ": unknown setting \"" + name + "\" (known: lr)");
            }
        }
        JsonNode lr = json.get("lr");
        if (lr == null) {
            return NONE;
        }
        if (!lr.isNumber() || !(lr.asDouble() > 0) || Double.isInfinite(lr.asDouble())) {
            throw new CheckpointException(file + ": lr must be a positive number, not " + lr);
        }
        return new AdaptationDefaults(OptionalDouble.of(lr.asDouble()));
    }
}
