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
 * setting, {@code {"suta_lr": 1e-4}}: the learning rate of per-utterance SUTA (strategy {@code suta}), which depends
 * on the model (the reference 2e-5 was chosen for wav2vec2-base; a small model trained from scratch may want
 * another). The continual strategies keep the reference rate: their updates add up over the stream, and a rate that
 * suits one utterance can make them drift. A folder without the file, every published Hugging Face checkpoint,
 * recommends nothing and the reference settings apply.
 *
 * @param sutaLr the recommended learning rate of strategy {@code suta}, if the file names one
 */
public record AdaptationDefaults(OptionalDouble sutaLr) {

    public static final String FILE = "adaptation_config.json";
    public static final AdaptationDefaults NONE = new AdaptationDefaults(OptionalDouble.empty());

    private static final String SUTA_LR = "suta_lr";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The learning rate recommended for the named strategy, if any: only {@code suta} has one. */
    public OptionalDouble lrFor(String strategy) {
        return strategy.equals("suta") ? sutaLr : OptionalDouble.empty();
    }

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
            throw new CheckpointException(file + " must be a JSON object, e.g. {\"" + SUTA_LR + "\": 1e-4}");
        }
        // A misspelt setting would otherwise be ignored without a word.
        for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals(SUTA_LR)) {
                throw new CheckpointException(file + ": unknown setting \"" + name + "\" (known: " + SUTA_LR + ")");
            }
        }
        JsonNode lr = json.get(SUTA_LR);
        if (lr == null) {
            return NONE;
        }
        if (!lr.isNumber() || !(lr.asDouble() > 0) || Double.isInfinite(lr.asDouble())) {
            throw new CheckpointException(file + ": " + SUTA_LR + " must be a positive number, not " + lr);
        }
        return new AdaptationDefaults(OptionalDouble.of(lr.asDouble()));
    }
}
