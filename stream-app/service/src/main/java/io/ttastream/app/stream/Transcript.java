package io.ttastream.app.stream;

import java.util.List;

/** An utterance, what the recogniser made of it, and how long that took; written out as {@link OutputJson}. */
record Transcript(Utterance utterance, Recognizer.Result result, double processingMs) {

    /** Runs the recogniser on the utterance and times it. */
    static Transcript recognize(Recognizer recognizer, Utterance utterance) {
        long start = System.nanoTime();
        Recognizer.Result result = recognizer.recognize(utterance);
        return new Transcript(utterance, result, (System.nanoTime() - start) / 1e6);
    }

    /** The {@link Topics#ASR_TRANSCRIPTS} record. */
    String toJson() {
        return OutputJson.transcript(utterance, result.text(), processingMs, result.entropyBefore(),
                result.entropyAfter(), result.modelVersion());
    }

    /** The {@link Topics#TTA_EVENTS} records: each event's details, with its type and the utterance it came with. */
    List<String> eventsJson() {
        return result.events().stream()
                .map(event -> OutputJson.event(utterance, result.modelVersion(), event.type(), event.details()))
                .toList();
    }
}
