package io.ttastream.app.stream;

import java.util.List;

/**
 * An utterance, what the recogniser made of it, and how long that took; written out as {@link OutputJson}.
 *
 * @param processingMs the recogniser's time on it
 * @param latencyMs    from the Kafka timestamp of the record that closed the utterance (its last frame, as the
 *                     producer stamped it) to the transcript
 */
public record Transcript(Utterance utterance, Recognizer.Result result, double processingMs, double latencyMs)
        implements Recognition {

    /** The {@link Topics#ASR_TRANSCRIPTS} record. */
    public String toJson() {
        return OutputJson.transcript(utterance, result, processingMs, latencyMs);
    }

    /** The {@link Topics#TTA_EVENTS} records: each event's details, with its type and the utterance it came with. */
    public List<String> eventsJson() {
        return result.events().stream()
                .map(event -> OutputJson.event(utterance, result.modelVersion(), event.type(), event.details()))
                .toList();
    }
}
