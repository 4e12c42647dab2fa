package io.ttastream.app;

import io.ttastream.adaptation.model.Wav2Vec2Model;
import io.ttastream.adaptation.strategy.Strategies;
import io.ttastream.adaptation.strategy.Strategy;
import io.ttastream.adaptation.suta.SutaConfig;
import io.ttastream.app.stream.Recognizer;
import io.ttastream.app.stream.Utterance;
import io.ttastream.asr.audio.FeatureExtractor;
import io.ttastream.asr.audio.Resampler;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The streaming service's recogniser: one strategy per adaptation scope, each on its own model
 * copy, so a tenant's or channel's adaptation never leaks into another's. The topology hands all
 * utterances of a scope to one thread in order; the per-scope lock only guards against a scope
 * moving between threads during a rebalance.
 */
final class StrategyRecognizer implements Recognizer {
    private final String strategyName;
    private final SutaConfig suta;
    private final Supplier<Wav2Vec2Model> models;
    private final Map<String, Strategy> byScope = new ConcurrentHashMap<>();
    private final Map<String, Integer> processed = new ConcurrentHashMap<>();

    StrategyRecognizer(String strategyName, SutaConfig suta, Supplier<Wav2Vec2Model> models) {
        this.strategyName = strategyName;
        this.suta = suta;
        this.models = models;
        Strategies.create(strategyName, models.get(), suta); // fail fast on an unknown name
    }

    @Override
    public Result recognize(Utterance utterance) {
        Strategy strategy = byScope.computeIfAbsent(utterance.scope(),
                scope -> Strategies.create(strategyName, models.get(), suta));
        float[] samples = utterance.samples();
        if (utterance.sampleRate() != 16000) {
            samples = Resampler.resample(samples, utterance.sampleRate(), 16000);
        }
        Strategy.Outcome outcome;
        synchronized (strategy) {
            outcome = strategy.process(FeatureExtractor.normalize(samples));
        }
        int count = processed.merge(utterance.scope(), 1, Integer::sum);
        List<Event> events = new ArrayList<>();
        for (Strategy.Event e : outcome.events()) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("reason", e.reason());
            if (Double.isFinite(e.statistic())) {
                details.put("statistic", e.statistic());
            }
            events.add(new Event(e.kind().replace('-', '_'), details));
        }
        if (outcome.nonFinite()) {
            events.add(new Event("non_finite", Map.of("reason", "non-finite loss or gradient; unadapted transcript")));
        }
        return new Result(outcome.text(), outcome.entropyBefore(), outcome.entropyAfter(),
                strategyName + "@" + utterance.scope() + "#" + count, events);
    }
}
