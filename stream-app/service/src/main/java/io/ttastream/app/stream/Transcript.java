package io.ttastream.app.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * An utterance, what the recogniser made of it, and how long that took; written out as JSON.
 *
 * @param processingMs the recogniser's time on it
 * @param latencyMs    from the Kafka timestamp of the record that closed the utterance (its last frame, as the
 *                     producer stamped it) to the transcript
 */
record Transcript(Utterance utterance, Recognizer.Result result, double processingMs, double latencyMs) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Runs the recogniser on the utterance read at {@code inputOffset} of {@code inputPartition} and times it;
     * {@code closedAtMillis} is the timestamp of the record that closed the utterance.
     */
    static Transcript recognize(Recognizer recognizer, Utterance utterance, String inputPartition, long inputOffset,
                                long closedAtMillis) {
        long start = System.nanoTime();
        Recognizer.Result result = recognizer.recognize(utterance, inputPartition, inputOffset);
        return new Transcript(utterance, result, (System.nanoTime() - start) / 1e6,
                System.currentTimeMillis() - closedAtMillis);
    }

    /** The {@link Topics#ASR_TRANSCRIPTS} record. */
    String toJson() {
        ObjectNode json = context();
        json.put("text", result.text());
        if (result.sourceText() != null) {
            json.put("source_text", result.sourceText());
        }
        json.put("strategy", result.strategy());
        json.put("first_seq", utterance.firstSeq());
        json.put("last_seq", utterance.lastSeq());
        json.put("audio_seconds", utterance.audioSeconds());
        json.put("processing_ms", processingMs);
        json.put("latency_ms", latencyMs);
        putFinite(json, "entropy_before", result.entropyBefore());
        putFinite(json, "entropy_after", result.entropyAfter());
        json.put("model_version", result.modelVersion());
        json.put("closing_reason", utterance.closingReason().code());
        return json.toString();
    }

    /** The {@link Topics#TTA_EVENTS} records: each event's details, with its type and the utterance it came with. */
    List<String> eventsJson() {
        return result.events().stream().map(event -> {
            ObjectNode json = context();
            json.put("type", event.type());
            json.put("model_version", result.modelVersion());
            json.set("details", JSON.valueToTree(event.details()));
            return json.toString();
        }).toList();
    }

    private ObjectNode context() {
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
