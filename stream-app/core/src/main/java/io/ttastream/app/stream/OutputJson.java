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
     * The transcript of {@code utterance}.
     *
     * @param processingMs  how long recognition (with adaptation) took
     * @param entropyBefore mean per-frame prediction entropy before adaptation, NaN when not measured (written as null)
     * @param entropyAfter  the same after adaptation
     * @param modelVersion  the weights that produced the transcript
     */
    public static String transcript(Utterance utterance, String text, double processingMs, double entropyBefore,
                                    double entropyAfter, String modelVersion) {
        ObjectNode json = context(utterance);
        json.put("text", text);
        json.put("first_seq", utterance.firstSeq());
        json.put("last_seq", utterance.lastSeq());
        json.put("audio_seconds", utterance.audioSeconds());
        json.put("processing_ms", processingMs);
        putFinite(json, "entropy_before", entropyBefore);
        putFinite(json, "entropy_after", entropyAfter);
        json.put("model_version", modelVersion);
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

    /** JSON has no NaN: an entropy that was not measured is null. */
    private static void putFinite(ObjectNode json, String field, double value) {
        if (Double.isFinite(value)) {
            json.put(field, value);
        } else {
            json.putNull(field);
        }
    }
}
