package io.ttastream.app.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;

/** The JSON records of {@link Topics#ASR_TRANSCRIPTS} and {@link Topics#TTA_EVENTS}, the same from either engine. */
public final class OutputJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private OutputJson() {
    }

    /**
     * The transcript of {@code utterance}; a non-finite number (an entropy not measured, a latency not known) is
     * written as null.
     *
     * @param processingMs how long recognition (with adaptation) took
     * @param latencyMs    from the Kafka timestamp of the record that closed the utterance to the transcript
     */
    public static String transcript(Utterance utterance, Recognizer.Result result, double processingMs,
                                    double latencyMs) {
        ObjectNode json = context(utterance);
        json.put("text", result.text());
        if (result.sourceText() != null) {
            json.put("source_text", result.sourceText());
        }
        json.put("strategy", result.strategy());
        json.put("first_seq", utterance.firstSeq());
        json.put("last_seq", utterance.lastSeq());
        json.put("audio_seconds", utterance.audioSeconds());
        json.put("processing_ms", processingMs);
        putFinite(json, "latency_ms", latencyMs);
        putFinite(json, "entropy_before", result.entropyBefore());
        putFinite(json, "entropy_after", result.entropyAfter());
        json.put("model_version", result.modelVersion());
        json.put("closing_reason", utterance.closingReason().code());
        return json.toString();
    }

    /**
     * An adaptation event that came with {@code utterance}.
     *
     * @param type    for example {@code slow_update}, {@code reset}
     * @param details JSON-serialisable values (numbers, strings, booleans, lists, maps)
     */
    public static String event(Utterance utterance, String modelVersion, String type, Map<String, ?> details) {
        ObjectNode json = context(utterance);
        json.put("type", type);
        json.put("model_version", modelVersion);
        json.set("details", JSON.valueToTree(details));
        return json.toString();
    }

    private static ObjectNode context(Utterance utterance) {
        ObjectNode json = JSON.createObjectNode();
        json.put("stream", utterance.stream());
        json.put("utterance", utterance.id());
        json.put("scope", utterance.scope());
        return json;
    }

    /** JSON has no NaN: a number that was not measured is null. */
    private static void putFinite(ObjectNode json, String field, double value) {
        if (Double.isFinite(value)) {
            json.put(field, value);
        } else {
            json.putNull(field);
        }
    }
}
