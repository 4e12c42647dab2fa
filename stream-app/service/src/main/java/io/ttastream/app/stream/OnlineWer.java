package io.ttastream.app.stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ttastream.app.metrics.TtaMetrics;
import org.apache.kafka.streams.KeyValue;

import java.time.Duration;
import java.util.List;
import java.util.logging.Logger;

/**
 * Online word error rates: transcripts joined, per utterance, with the references users send on
 * {@link Topics#ASR_REFERENCES}. Each pair scores the adapted transcript and, when the recogniser decoded it,
 * the source model's, into the running {@code tta_online_wer_ratio} and a {@code wer} event on
 * {@link Topics#TTA_EVENTS}.
 */
final class OnlineWer {
    /** A reference must arrive within this time of its utterance's last frame (either side) to be scored. */
    static final Duration JOIN_WINDOW = Duration.ofMinutes(10);
    /** Records this late (in stream time) still join. */
    static final Duration GRACE = Duration.ofMinutes(1);

    private static final Logger LOG = Logger.getLogger(OnlineWer.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A wer event and the scope it is keyed by. */
    record Scored(String scope, String eventJson) {
    }

    private OnlineWer() {
    }

    /** The join key of an utterance; the length prefix keeps ids containing any separator apart. */
    static String utteranceKey(String stream, String utterance) {
        return stream.length() + ":" + stream + utterance;
    }

    /** A transcript's join key. */
    static String transcriptKey(String stream, String transcriptJson) {
        return utteranceKey(stream, read(transcriptJson).path("utterance").asText());
    }

    /** A reference record as (join key, reference text); a malformed one is logged and dropped. */
    static List<KeyValue<String, String>> reference(String stream, String referenceJson) {
        try {
            JsonNode json = JSON.readTree(referenceJson);
            JsonNode utterance = json == null ? null : json.get("utterance");
            JsonNode text = json == null ? null : json.get("text");
            if (stream == null || utterance == null || !utterance.isTextual() || text == null || !text.isTextual()) {
                LOG.warning(() -> "dropped a reference without stream key, utterance or text: " + referenceJson);
                return List.of();
            }
            return List.of(KeyValue.pair(utteranceKey(stream, utterance.asText()), text.asText()));
        } catch (JsonProcessingException e) {
            LOG.warning(() -> "dropped a reference that is not JSON: " + e.getOriginalMessage());
            return List.of();
        }
    }

    /** Scores a transcript against its reference, records it in the metrics, and describes it as an event. */
    static Scored score(TtaMetrics metrics, String transcriptJson, String reference) {
        JsonNode transcript = read(transcriptJson);
        String scope = transcript.path("scope").asText();
        ObjectNode event = JSON.createObjectNode();
        event.put("type", "wer");
        event.put("stream", transcript.path("stream").asText());
        event.put("utterance", transcript.path("utterance").asText());
        event.put("scope", scope);
        event.put("strategy", transcript.path("strategy").asText());
        event.put("model_version", transcript.path("model_version").asText());
        event.put("reference", reference);
        event.put("wer", metrics.onlineWer(scope, transcript.path("strategy").asText(), reference,
                transcript.path("text").asText()));
        if (transcript.has("source_text")) {
            event.put("source_wer", metrics.onlineWer(scope, "source", reference, transcript.path("source_text").asText()));
        }
        return new Scored(scope, event.toString());
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the service wrote a transcript that is not JSON: " + json, e);
        }
    }
}
