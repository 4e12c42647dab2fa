package io.ttastream.flink;

import io.ttastream.app.stream.Config;
import io.ttastream.app.stream.Topics;
import io.ttastream.app.stream.Utterance;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The transcription pipeline as a Flink DataStream job, the same as the Kafka Streams service's topology:
 *
 * <pre>
 * audio.frames --keyBy(stream)--> validate + assemble --rejected--> audio.frames.dlq
 *                                   (keyed state)      --utterances--keyBy(scope)--> adapt (keyed state) --> asr.transcripts
 *                                                                                                       --> tta.events
 *                                                                                       --failed--> asr.utterances.dlq
 * </pre>
 *
 * Every sink is transactional: its output becomes visible to read_committed consumers when the checkpoint
 * that covers it completes, together with the source offsets and the keyed state, so each utterance's
 * transcript is seen once.
 */
public final class TranscriptionJob {

    /**
     * Where and how the job runs.
     *
     * @param bootstrap             Kafka bootstrap servers
     * @param groupId               the source's consumer group (offsets are committed on checkpoints, for monitoring)
     * @param transactionalIdPrefix the sinks' transactional ids start with it; unique per job on a cluster
     * @param config                what frames are accepted and when an utterance closes
     * @param adaptation            the strategy and model every adaptation task runs
     */
    public record Settings(String bootstrap, String groupId, String transactionalIdPrefix, Config config,
                           AdaptationSettings adaptation) {
    }

    /** Transactions must not outlive the broker's transaction.max.timeout.ms (15 minutes by default). */
    private static final Duration TRANSACTION_TIMEOUT = Duration.ofMinutes(10);

    private TranscriptionJob() {
    }

    /**
     * The job's configuration: exactly-once checkpoints every {@code checkpointInterval} into
     * {@code checkpointDirectory} (a URI), kept when the job is cancelled so that the next run can resume from them
     * ({@link #latestCheckpoint}), keyed state on RocksDB, and no Kryo fallback (every record type the job moves has
     * a Flink serializer; a change that would need Kryo fails at submission).
     */
    public static Configuration configuration(Duration checkpointInterval, String checkpointDirectory) {
        Configuration configuration = new Configuration();
        configuration.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, checkpointInterval);
        configuration.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
        configuration.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpointDirectory);
        configuration.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        configuration.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        configuration.set(PipelineOptions.GENERIC_TYPES, false);
        return configuration;
    }

    /**
     * Adds Flink's Prometheus reporter to {@code configuration}: every metric of the job, the {@code tta} ones of
     * {@link FrameMetrics} and {@link FlinkAdaptationMetrics} included, in the Prometheus text format on {@code http://<task manager>:port/}.
     */
    public static void exposeMetrics(Configuration configuration, int port) {
        configuration.set(ConfigOptions.key("metrics.reporter.prom.factory.class").stringType().noDefaultValue(),
                "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        configuration.set(ConfigOptions.key("metrics.reporter.prom.port").stringType().noDefaultValue(),
                Integer.toString(port));
    }

    /**
     * The newest completed checkpoint under a local checkpoint directory (Flink writes
     * {@code <job id>/chk-<n>/_metadata} when a checkpoint completes), to resume a new run from.
     */
    public static Optional<Path> latestCheckpoint(Path checkpointDirectory) throws IOException {
        if (!Files.isDirectory(checkpointDirectory)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.find(checkpointDirectory, 3, (path, attributes) ->
                path.getFileName().toString().equals("_metadata") && path.getParent().getFileName().toString().startsWith("chk-"))) {
            return files.max(Comparator.comparing(TranscriptionJob::modified)).map(Path::getParent);
        }
    }

    private static FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Adds the pipeline to {@code env}, configured as {@link #configuration} says. */
    public static void build(StreamExecutionEnvironment env, Settings settings) {
        KafkaSource<KafkaFrame> frames = KafkaSource.<KafkaFrame>builder()
                .setBootstrapServers(settings.bootstrap())
                .setTopics(Topics.AUDIO_FRAMES)
                .setGroupId(settings.groupId())
                .setStartingOffsets(startFromCommittedOrEarliest())
                .setProperty("isolation.level", "read_committed")
                .setDeserializer(new FrameDeserializer())
                .build();

        SingleOutputStreamOperator<Utterance> utterances = env
                .fromSource(frames, WatermarkStrategy.noWatermarks(), "audio.frames")
                .keyBy(AssembleUtterances::streamOf)
                .process(new AssembleUtterances(settings.config()))
                .name("validate and assemble").uid("assemble-utterances");

        utterances.getSideOutput(AssembleUtterances.DEAD_LETTERS)
                .sinkTo(sink(settings, "dead-letters", (frame, context, timestamp) -> new ProducerRecord<>(
                        Topics.AUDIO_FRAMES_DLQ, null, frame.timestamp(), utf8(frame.key()), frame.value(), frame.headers())))
                .name(Topics.AUDIO_FRAMES_DLQ).uid("dead-letter-sink");

        SingleOutputStreamOperator<KeyedOutput> outputs = utterances.keyBy(Utterance::scope)
                .process(new AdaptScope(settings.adaptation()))
                .name("adapt and transcribe").uid("adapt-scope");
        outputs.sinkTo(sink(settings, "outputs", (output, context, timestamp) -> new ProducerRecord<>(
                        output.topic(), utf8(output.key()), utf8(output.json()))))
                .name("asr.transcripts + tta.events").uid("output-sink");
        outputs.getSideOutput(AdaptScope.DEAD_LETTERS)
                .sinkTo(sink(settings, "failed-utterances", (failed, context, timestamp) -> new ProducerRecord<>(
                        Topics.UTTERANCES_DLQ, null, failed.timestamp(), utf8(failed.key()), failed.value(), failed.headers())))
                .name(Topics.UTTERANCES_DLQ).uid("failed-utterance-sink");
    }

    /** An exactly-once Kafka sink; {@code name} tells its transactional ids from the other sinks'. */
    private static <T> KafkaSink<T> sink(Settings settings, String name, KafkaRecordSerializationSchema<T> serializer) {
        return KafkaSink.<T>builder()
                .setBootstrapServers(settings.bootstrap())
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(settings.transactionalIdPrefix() + "-" + name)
                .setProperty("transaction.timeout.ms", Long.toString(TRANSACTION_TIMEOUT.toMillis()))
                .setRecordSerializer(serializer)
                .build();
    }

    /** A new job starts at the committed offsets, else at the start of the topic (as the Kafka Streams service). */
    @SuppressWarnings("deprecation") // the connector's API still takes the Kafka 3 enum
    private static OffsetsInitializer startFromCommittedOrEarliest() {
        return OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
    }

    private static byte[] utf8(String text) {
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }

    /** Reads every record of {@code audio.frames} as it is; validation happens downstream, in keyed order. */
    private static final class FrameDeserializer implements KafkaRecordDeserializationSchema<KafkaFrame> {
        private static final long serialVersionUID = 1L;

        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<KafkaFrame> out) {
            out.collect(KafkaFrame.of(record));
        }

        @Override
        public TypeInformation<KafkaFrame> getProducedType() {
            return TypeInformation.of(KafkaFrame.class);
        }
    }
}
