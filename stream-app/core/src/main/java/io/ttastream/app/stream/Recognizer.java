package io.ttastream.app.stream;

import java.util.List;
import java.util.Map;

/**
 * Transcribes an utterance, adapting the model to it as the configured strategy says. The topology calls it
 * from its stream threads, one utterance at a time per thread, with all utterances of a scope on the same
 * thread in order; an implementation shared by several stream threads must be thread-safe.
 */
@FunctionalInterface
public interface Recognizer {

    Result recognize(Utterance utterance);

    /**
     * Recognises the utterance read from {@code inputPartition} (Kafka's "topic-partition" text) at
     * {@code inputOffset}. A recogniser that keeps durable adaptation state uses the position to
     * store what its state reflects and to tell new input from input replayed after a crash; the
     * default ignores it.
     */
    default Result recognize(Utterance utterance, String inputPartition, long inputOffset) {
        return recognize(utterance);
    }

    /**
     * @param text          the transcript
     * @param sourceText    what the unadapted source model makes of the same audio, for side-by-side word error
     *                      rates; null when the recogniser does not decode it
     * @param entropyBefore mean per-frame prediction entropy before adaptation (NaN if not measured)
     * @param entropyAfter  the same after adaptation (NaN if not measured)
     * @param strategy      the adaptation strategy's name, for example {@code dsuta}
     * @param modelVersion  the weights that produced the transcript, for example a scope's slow-weight version
     * @param events        what happened to the adaptation state meanwhile (slow update, reset, drift score)
     */
    record Result(String text, String sourceText, double entropyBefore, double entropyAfter, String strategy,
                  String modelVersion, List<Event> events) {
        public Result {
            events = List.copyOf(events);
        }
    }

    /**
     * An adaptation event, written to {@link Topics#TTA_EVENTS}.
     *
     * @param type    for example {@code slow_update}, {@code reset}
     * @param details JSON-serialisable values (numbers, strings, booleans, lists, maps), for example the reset's
     *                reason and statistic
     */
    record Event(String type, Map<String, Object> details) {
        public Event {
            details = Map.copyOf(details);
        }
    }
}
