package io.ttastream.app.stream;

import io.ttastream.adaptation.strategy.Strategy;
import io.ttastream.asr.audio.FeatureExtractor;
import io.ttastream.asr.audio.Resampler;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One utterance through an adaptation strategy: audio in, transcript and adaptation events out. */
public final class StrategyStep {

    /** The model's input rate. */
    private static final int MODEL_RATE = 16_000;

    /**
     * What the strategy made of the utterance.
     *
     * @param entropyBefore mean per-frame prediction entropy before adaptation
     * @param entropyAfter  the same after adaptation
     * @param events        what happened to the strategy's kept state: {@code slow_update}, {@code reset},
     *                      {@code drift} or {@code non_finite}, with details for {@link OutputJson#event}
     */
    public record Result(String text, double entropyBefore, double entropyAfter, List<Recognizer.Event> events) {
        public Result {
            events = List.copyOf(events);
        }
    }

    private StrategyStep() {
    }

    /** Resamples the utterance to 16 kHz, normalises it as wav2vec2 expects, and runs the strategy on it. */
    public static Result run(Strategy strategy, Utterance utterance) {
        float[] samples = utterance.samples();
        if (utterance.sampleRate() != MODEL_RATE) {
            samples = Resampler.resample(samples, utterance.sampleRate(), MODEL_RATE);
        }
        Strategy.Outcome outcome = strategy.process(FeatureExtractor.normalize(samples));
        List<Recognizer.Event> events = new ArrayList<>();
        for (Strategy.Event e : outcome.events()) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("reason", e.reason());
            if (Double.isFinite(e.statistic())) {
                details.put("statistic", e.statistic());
            }
            events.add(new Recognizer.Event(e.kind().replace('-', '_'), details));
        }
        if (outcome.nonFinite()) {
            events.add(new Recognizer.Event("non_finite", Map.of("reason", "non-finite loss or gradient; unadapted transcript")));
        }
        return new Result(outcome.text(), outcome.entropyBefore(), outcome.entropyAfter(), events);
    }

    /** The model version a transcript reports: the strategy, the scope, and how many utterances the scope has had. */
    public static String modelVersion(String strategy, String scope, long utterances) {
        return strategy + "@" + scope + "#" + utterances;
    }
}
