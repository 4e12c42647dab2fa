package io.ttastream.adaptation.strategy;

import java.util.List;

/**
 * A way of transcribing a stream of utterances with (or without) test-time adaptation. Strategies
 * see utterances in stream order; a continual strategy carries what it learned to the next one.
 */
public interface Strategy {
    /** The transcript of one utterance, what adaptation did for it, and what happened to the kept state. */
    record Outcome(String text, double lossBefore, double lossAfter, double entropyBefore, double entropyAfter,
                   boolean nonFinite, List<Event> events) {
        public Outcome {
            events = List.copyOf(events);
        }
    }

    /**
     * Something that happened to a strategy's kept state: {@code slow-update}, {@code reset} with its
     * reason ("domain shift", "periodic", "collapse", "non-finite gradient") and statistic, or
     * {@code drift} with the shift detector's z statistic of the buffer just checked.
     */
    record Event(String kind, String reason, double statistic) {
        public static final String SLOW_UPDATE = "slow-update";
        public static final String RESET = "reset";
        public static final String DRIFT = "drift";
    }

    String name();

    /** Transcribes one utterance of normalised 16 kHz samples. */
    Outcome process(float[] inputValues);
}
