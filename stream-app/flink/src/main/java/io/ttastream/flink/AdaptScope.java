package io.ttastream.flink;

import io.ttastream.adaptation.decode.CtcDecoder;
import io.ttastream.adaptation.model.Wav2Vec2Model;
import io.ttastream.adaptation.strategy.ContinualStrategy;
import io.ttastream.adaptation.strategy.StrategyState;
import io.ttastream.adaptation.strategy.Strategies;
import io.ttastream.adaptation.strategy.Strategy;
import io.ttastream.app.stream.FailedUtterance;
import io.ttastream.app.stream.OutputJson;
import io.ttastream.app.stream.Recognizer;
import io.ttastream.app.stream.StrategySnapshots;
import io.ttastream.app.stream.StrategyStep;
import io.ttastream.app.stream.Topics;
import io.ttastream.app.stream.Utterance;
import io.ttastream.asr.HuggingFaceCheckpoints;
import io.ttastream.kernels.CpuBackend;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

/**
 * Transcribes utterances keyed by adaptation scope with the configured strategy, and keeps what a continual
 * strategy learned per scope in Flink keyed state, as {@link StrategySnapshots} bytes, so that it is
 * checkpointed with the input offsets and the output transactions, and survives restarts and rescaling.
 *
 * <p>Each task holds one model and one strategy; before an utterance of another scope than the last one, the
 * strategy is loaded with that scope's state (a fresh one for a new scope), and after every utterance its state
 * is written back.
 */
final class AdaptScope extends KeyedProcessFunction<String, Utterance, KeyedOutput> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(AdaptScope.class);

    /** Utterances the strategy threw on, as records for {@link Topics#UTTERANCES_DLQ}. */
    static final OutputTag<KafkaFrame> DEAD_LETTERS = new OutputTag<>("failed-utterances", TypeInformation.of(KafkaFrame.class));

    private final AdaptationSettings settings;
    private transient CpuBackend backend;
    private transient Strategy strategy;
    /** The strategy's state before any utterance, for scopes seen the first time; null for memoryless strategies. */
    private transient StrategyState fresh;
    /** The scope whose state the strategy holds now, or null. */
    private transient String loadedScope;
    private transient ValueState<byte[]> learned;
    private transient ValueState<Long> utterances;
    private transient FlinkAdaptationMetrics metrics;

    AdaptScope(AdaptationSettings settings) {
        this.settings = settings;
    }

    @Override
    public void open(OpenContext context) throws Exception {
        backend = new CpuBackend(settings.threads());
        Wav2Vec2Model model = new Wav2Vec2Model(backend, HuggingFaceCheckpoints.load(Path.of(settings.modelDir())));
        CtcDecoder decoder = settings.decoding().build(model.vocabulary(), LOG::info);
        strategy = Strategies.create(settings.strategy(), model, settings.sutaConfig(), decoder);
        fresh = strategy instanceof ContinualStrategy continual ? continual.exportState() : null;
        learned = getRuntimeContext().getState(new ValueStateDescriptor<>("strategy-state", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        utterances = getRuntimeContext().getState(new ValueStateDescriptor<>("utterances", Types.LONG));
        metrics = new FlinkAdaptationMetrics(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(Utterance utterance, Context context, Collector<KeyedOutput> out) throws Exception {
        String scope = context.getCurrentKey();
        if (strategy instanceof ContinualStrategy continual && !scope.equals(loadedScope)) {
            byte[] state = learned.value();
            continual.importState(state == null ? fresh : StrategySnapshots.decode(state));
            loadedScope = scope;
        }

        Long closedAt = context.timestamp();
        long start = System.nanoTime();
        StrategyStep.Result result;
        try {
            result = StrategyStep.run(strategy, utterance);
        } catch (RuntimeException e) {
            FailedUtterance failed = FailedUtterance.caught(utterance, e);
            metrics.utteranceFailed(scope);
            context.output(DEAD_LETTERS, new KafkaFrame(utterance.stream(), failed.value(),
                    closedAt == null ? System.currentTimeMillis() : closedAt, new String[0], new byte[0][])
                    .withHeaders(failed.deadLetterHeaders()));
            // The strategy may hold a half-done update: the scope's next utterance reloads its last kept state.
            loadedScope = null;
            return;
        }
        double processingMs = (System.nanoTime() - start) / 1e6;

        long count = utterances.value() == null ? 1 : utterances.value() + 1;
        utterances.update(count);
        if (strategy instanceof ContinualStrategy continual) {
            learned.update(StrategySnapshots.encode(scope, settings.modelDir(), continual.exportState()));
        }

        String version = StrategyStep.modelVersion(settings.strategy(), scope, count);
        Recognizer.Result recognized = new Recognizer.Result(result.text(), null, result.entropyBefore(),
                result.entropyAfter(), settings.strategy(), version, result.events());
        double latencyMs = closedAt == null ? Double.NaN : System.currentTimeMillis() - closedAt;
        out.collect(new KeyedOutput(Topics.ASR_TRANSCRIPTS, utterance.stream(),
                OutputJson.transcript(utterance, recognized, processingMs, latencyMs)));
        metrics.utteranceTranscribed(scope, utterance.audioSeconds(), processingMs / 1000, latencyMs / 1000,
                result.entropyBefore(), result.entropyAfter());
        metrics.events(scope, result.events());
        for (Recognizer.Event event : result.events()) {
            out.collect(new KeyedOutput(Topics.TTA_EVENTS, scope, OutputJson.event(utterance, version, event.type(), event.details())));
        }
    }

    @Override
    public void close() {
        if (backend != null) {
            backend.close();
        }
    }
}
