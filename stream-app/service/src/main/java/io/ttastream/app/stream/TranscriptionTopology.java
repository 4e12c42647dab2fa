package io.ttastream.app.stream;

import io.ttastream.app.metrics.TtaMetrics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.JoinWindows;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.kstream.StreamJoined;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.Stores;

import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

/**
 * The Kafka Streams transcription service: speech frames in, transcripts and adaptation events out.
 *
 * <pre>
 * audio.frames --validate--+--rejected--> audio.frames.dlq
 *   (key: stream)          +--accepted--> assemble utterances (per stream)
 *                                           --re-key by scope--> [repartition] --recognise--+--> asr.transcripts (key: stream)
 *                                                                                          +--> tta.events      (key: scope)
 *                                                                                          +--failed--> asr.utterances.dlq (key: stream)
 *
 * asr.references (key: stream) --join by utterance (10 min window) with the transcripts--> tta.events ("wer")
 * </pre>
 *
 * Utterances move to the task of their adaptation scope, so that one scope's weights are adapted by one task,
 * in order, even when several streams share the scope.
 */
public final class TranscriptionTopology {

    /** The internal topic (prefixed with the application id) that carries utterances keyed by scope. */
    static final String UTTERANCES_BY_SCOPE = "utterances-by-scope";
    /** The join of transcripts and references by utterance: its repartition topics and window stores. */
    static final String TRANSCRIPTS_WITH_REFERENCES = "transcripts-with-references";

    private TranscriptionTopology() {
    }

    /** Builds the topology with metrics that nobody scrapes (tests, tools). */
    public static Topology build(Config config, Recognizer recognizer) {
        return build(config, recognizer, new TtaMetrics());
    }

    /**
     * Builds the topology; {@code recognizer} transcribes every assembled utterance and
     * {@code metrics} counts frames, rejects, utterances, latencies, entropies and adaptation events.
     */
    public static Topology build(Config config, Recognizer recognizer, TtaMetrics metrics) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(FrameValidator.SEQUENCE_STORE), Serdes.String(), Serdes.Long()));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(UtteranceAssembler.OPEN_STORE), Serdes.String(), OpenUtterance.serde()));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(UtteranceAssembler.AUDIO_STORE), Serdes.String(), Serdes.ByteArray()));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(UtteranceAssembler.LAST_CLOSED_STORE), Serdes.String(), OpenUtterance.serde()));

        KStream<String, CheckedFrame> checked = builder
                .stream(Topics.AUDIO_FRAMES, Consumed.with(Serdes.String(), Serdes.ByteArray()))
                .process(() -> new FrameValidator(config), Named.as("validate-frames"), FrameValidator.SEQUENCE_STORE)
                .peek((stream, frame) -> {
                    if (frame instanceof RejectedFrame rejected) {
                        metrics.frameRejected(rejected.reason());
                    } else {
                        metrics.frameAccepted(stream);
                    }
                });

        checked.flatMapValues(TranscriptionTopology::rejected)
                .mapValues(RejectedFrame::value)
                .to(Topics.AUDIO_FRAMES_DLQ, Produced.with(Serdes.String(), Serdes.ByteArray()));

        KStream<String, Recognition> recognitions = checked.flatMapValues(TranscriptionTopology::accepted)
                .process(() -> new UtteranceAssembler(config), Named.as("assemble-utterances"),
                        UtteranceAssembler.OPEN_STORE, UtteranceAssembler.AUDIO_STORE,
                        UtteranceAssembler.LAST_CLOSED_STORE)
                .selectKey((stream, utterance) -> utterance.scope())
                .repartition(Repartitioned.with(Serdes.String(), Utterance.serde()).withName(UTTERANCES_BY_SCOPE))
                .processValues(() -> new Recognize(recognizer), Named.as("recognize"));

        recognitions.flatMapValues(TranscriptionTopology::failed)
                .peek((scope, failed) -> metrics.utteranceFailed(scope))
                .selectKey((scope, failed) -> failed.utterance().stream())
                .mapValues(FailedUtterance::value)
                .to(Topics.UTTERANCES_DLQ, Produced.with(Serdes.String(), Serdes.ByteArray()));

        KStream<String, Transcript> transcripts = recognitions.flatMapValues(TranscriptionTopology::transcribed)
                .peek((scope, transcript) -> record(metrics, scope, transcript));

        KStream<String, String> transcriptJson = transcripts.selectKey((scope, transcript) -> transcript.utterance().stream())
                .mapValues(Transcript::toJson);
        transcriptJson.to(Topics.ASR_TRANSCRIPTS, Produced.with(Serdes.String(), Serdes.String()));
        transcripts.flatMapValues(Transcript::eventsJson)
                .to(Topics.TTA_EVENTS, Produced.with(Serdes.String(), Serdes.String()));

        KStream<String, String> references = builder
                .stream(Topics.ASR_REFERENCES, Consumed.with(Serdes.String(), Serdes.String()))
                .flatMap(OnlineWer::reference);
        transcriptJson.selectKey(OnlineWer::transcriptKey)
                .join(references, (transcript, reference) -> OnlineWer.score(metrics, transcript, reference),
                        JoinWindows.ofTimeDifferenceAndGrace(OnlineWer.JOIN_WINDOW, OnlineWer.GRACE),
                        StreamJoined.with(Serdes.String(), Serdes.String(), Serdes.String())
                                .withName(TRANSCRIPTS_WITH_REFERENCES).withStoreName(TRANSCRIPTS_WITH_REFERENCES))
                .map((utterance, scored) -> KeyValue.pair(scored.scope(), scored.eventJson()))
                .to(Topics.TTA_EVENTS, Produced.with(Serdes.String(), Serdes.String()));
        return builder.build();
    }

    /** The streams configuration: exactly-once (v2), so state, outputs and input offsets commit together. */
    public static Properties properties(String applicationId, String bootstrapServers, Path stateDir) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // Live audio: an utterance crosses two sub-topologies (frames -> utterances by scope -> transcripts);
        // a short commit interval and fetch wait keep each hop well under the 500 ms consumer default.
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        props.put(StreamsConfig.consumerPrefix("fetch.max.wait.ms"), 20);
        // Adapting to one long utterance can take several seconds on a CPU; Kafka Streams' 10 s exactly-once
        // default would let the broker abort the open transaction and fence the producer mid-stream.
        props.put(StreamsConfig.producerPrefix("transaction.timeout.ms"), 120_000);
        return props;
    }

    private static void record(TtaMetrics metrics, String scope, Transcript transcript) {
        Recognizer.Result result = transcript.result();
        metrics.utteranceTranscribed(scope, transcript.utterance().audioSeconds(), transcript.processingMs() / 1000.0,
                transcript.latencyMs() / 1000.0, result.entropyBefore(), result.entropyAfter());
        metrics.events(scope, result.events());
    }

    /**
     * Recognises each utterance, telling the recogniser where in the input it was read; a failed one carries the
     * dead-letter headers.
     */
    private static final class Recognize implements FixedKeyProcessor<String, Utterance, Recognition> {
        private final Recognizer recognizer;
        private FixedKeyProcessorContext<String, Recognition> context;

        Recognize(Recognizer recognizer) {
            this.recognizer = recognizer;
        }

        @Override
        public void init(FixedKeyProcessorContext<String, Recognition> context) {
            this.context = context;
        }

        @Override
        public void process(FixedKeyRecord<String, Utterance> record) {
            RecordMetadata input = context.recordMetadata().orElseThrow();
            Recognition recognition = Recognition.of(recognizer, record.value(),
                    input.topic() + "-" + input.partition(), input.offset(), record.timestamp());
            context.forward(recognition instanceof FailedUtterance failed
                    ? record.withValue(recognition).withHeaders(failed.deadLetterHeaders())
                    : record.withValue(recognition));
        }
    }

    private static List<FailedUtterance> failed(Recognition recognition) {
        return recognition instanceof FailedUtterance failed ? List.of(failed) : List.of();
    }

    private static List<Transcript> transcribed(Recognition recognition) {
        return recognition instanceof Transcript transcript ? List.of(transcript) : List.of();
    }

    private static List<RejectedFrame> rejected(CheckedFrame checked) {
        return checked instanceof RejectedFrame rejected ? List.of(rejected) : List.of();
    }

    private static List<Frame> accepted(CheckedFrame checked) {
        return checked instanceof Frame frame ? List.of(frame) : List.of();
    }
}
