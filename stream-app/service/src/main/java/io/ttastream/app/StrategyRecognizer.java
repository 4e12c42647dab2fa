package io.ttastream.app;

import io.ttastream.adaptation.decode.CtcDecoder;
import io.ttastream.adaptation.decode.GreedyCtcDecoder;
import io.ttastream.adaptation.model.Wav2Vec2Model;
import io.ttastream.adaptation.strategy.ContinualStrategy;
import io.ttastream.adaptation.strategy.Strategies;
import io.ttastream.adaptation.strategy.Strategy;
import io.ttastream.adaptation.suta.SutaConfig;
import io.ttastream.app.stream.Recognizer;
import io.ttastream.app.stream.StrategySnapshots;
import io.ttastream.app.stream.StrategyStep;
import io.ttastream.app.stream.Utterance;
import io.ttastream.state.ScopedWeightStore;
import io.ttastream.state.Snapshot;
import io.ttastream.state.VersionInfo;
import io.ttastream.state.WeightStore;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The streaming service's recogniser: one strategy per adaptation scope, each on its own model
 * copy, so a tenant's or channel's adaptation never leaks into another's. The topology hands all
 * utterances of a scope to one thread in order; the per-scope lock only guards against a scope
 * moving between threads during a rebalance.
 *
 * <p>With a {@link WeightStore}, a continual strategy's learned state is committed after every
 * utterance together with the input position it reflects (the utterance's partition and next
 * offset). Kafka's exactly-once commit and this commit are not one transaction, so after a crash
 * the service may re-read utterances that the stored state already learned from; it then restores
 * the newest stored state from <em>before</em> the first re-read utterance and adapts again, which
 * reproduces the lost transcripts and the same weights.
 */
final class StrategyRecognizer implements Recognizer {
    private static final Logger LOG = Logger.getLogger(StrategyRecognizer.class.getName());

    private final String strategyName;
    private final SutaConfig suta;
    private final Supplier<Wav2Vec2Model> models;
    private final WeightStore store;
    private final boolean decodeSource;
    private final CtcDecoder decoder;
    private final Map<String, Scope> scopes = new ConcurrentHashMap<>();

    /** A scope's strategy, the source model beside it, how many utterances it has seen, and the input record it saw last. */
    private static final class Scope {
        final Strategy strategy;
        Strategy source;
        int processed;
        String partition;
        long lastOffset = -1;

        Scope(Strategy strategy, int processed) {
            this.strategy = strategy;
            this.processed = processed;
        }

        /** False for a record at or before the last one seen: the input is being replayed. */
        boolean isNext(String inputPartition, long offset) {
            return partition == null || (partition.equals(inputPartition) && offset > lastOffset);
        }
    }

    /**
     * @param store        where adaptation state is committed after every utterance (bound to the model); null keeps
     *                     it in memory only, so a restart starts every scope from the source model
     * @param decodeSource also transcribe each utterance with the unadapted source model (one more forward pass), for
     *                     side-by-side word error rates
     */
    StrategyRecognizer(String strategyName, SutaConfig suta, Supplier<Wav2Vec2Model> models, WeightStore store,
                       boolean decodeSource) {
        this(strategyName, suta, models, store, decodeSource, null);
    }

    /** @param decoder how every scope's transcripts are decoded (shared by all scopes); null: greedily */
    StrategyRecognizer(String strategyName, SutaConfig suta, Supplier<Wav2Vec2Model> models, WeightStore store,
                       boolean decodeSource, CtcDecoder decoder) {
        this.strategyName = strategyName;
        this.suta = suta;
        this.models = models;
        this.store = store;
        this.decodeSource = decodeSource;
        Wav2Vec2Model probe = models.get();
        this.decoder = decoder != null ? decoder : new GreedyCtcDecoder(probe.vocabulary());
        Strategies.create(strategyName, probe, suta, this.decoder); // fail fast on an unknown name
    }

    @Override
    public Result recognize(Utterance utterance) {
        return recognize(utterance, null, -1);
    }

    @Override
    public Result recognize(Utterance utterance, String inputPartition, long inputOffset) {
        Scope scope = scopes.compute(utterance.scope(), (name, known) ->
                known != null && (inputPartition == null || known.isNext(inputPartition, inputOffset))
                        ? known : open(name, inputPartition, inputOffset));
        StrategyStep.Result outcome;
        String sourceText = null;
        int count;
        synchronized (scope) {
            try {
                outcome = StrategyStep.run(scope.strategy, utterance);
            } catch (RuntimeException e) {
                // The strategy may hold a half-done update: the scope's next utterance opens it again, from the
                // newest committed state (or the source model without a store).
                scopes.remove(utterance.scope(), scope);
                throw e;
            }
            if (decodeSource) {
                if (scope.source == null) {
                    scope.source = Strategies.create("source", models.get(), suta, decoder);
                }
                sourceText = StrategyStep.run(scope.source, utterance).text();
            }
            count = ++scope.processed;
            if (inputPartition != null) {
                scope.partition = inputPartition;
                scope.lastOffset = inputOffset;
                commit(utterance.scope(), scope.strategy, inputPartition, inputOffset + 1);
            }
        }
        return new Result(outcome.text(), sourceText, outcome.entropyBefore(), outcome.entropyAfter(), strategyName,
                StrategyStep.modelVersion(strategyName, utterance.scope(), count), outcome.events());
    }

    /** A scope's strategy: fresh, or restored to the stored state that precedes {@code offset}. */
    private Scope open(String scopeName, String inputPartition, long offset) {
        Strategy strategy = Strategies.create(strategyName, models.get(), suta, decoder);
        if (store == null || inputPartition == null || !(strategy instanceof ContinualStrategy continual)) {
            return new Scope(strategy, 0);
        }
        Optional<Snapshot> before = stateBefore(scopeName, inputPartition, offset);
        before.ifPresent(snapshot -> {
            continual.importState(StrategySnapshots.read(snapshot));
            LOG.info(() -> "restored " + scopeName + " from " + snapshot);
        });
        return new Scope(strategy, continual.utterances());
    }

    /** The newest stored state that has not yet seen the record at {@code offset} of {@code partition}. */
    private Optional<Snapshot> stateBefore(String scopeName, String partition, long offset) {
        List<VersionInfo> versions = store.versions(scopeName);
        for (int i = versions.size() - 1; i >= 0; i--) {
            Snapshot snapshot = store.read(scopeName, versions.get(i).version());
            if (!ScopedWeightStore.alreadyApplied(snapshot, partition, offset)) {
                return Optional.of(snapshot);
            }
        }
        if (!versions.isEmpty()) {
            LOG.severe(() -> "every stored state of " + scopeName + " has already seen " + partition + "@" + offset
                    + " (more replayed utterances than retained versions); starting it from the source model");
        }
        return Optional.empty();
    }

    private void commit(String scopeName, Strategy strategy, String partition, long nextOffset) {
        if (store != null && strategy instanceof ContinualStrategy continual) {
            ScopedWeightStore scoped = new ScopedWeightStore(store, scopeName);
            scoped.commit(StrategySnapshots.write(continual.exportState(), scoped.draft()), Map.of(partition, nextOffset));
        }
    }
}
