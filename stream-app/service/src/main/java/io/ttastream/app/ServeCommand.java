package io.ttastream.app;

import io.ttastream.app.cli.DecoderOptions;
import io.ttastream.app.metrics.TtaMetrics;
import io.ttastream.app.stream.Config;
import io.ttastream.app.stream.Topics;
import io.ttastream.app.stream.TranscriptionTopology;
import io.ttastream.state.WeightStore;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** The streaming service: frames from Kafka in, transcripts and adaptation events out. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the Kafka Streams service: audio.frames -> asr.transcripts + tta.events (+ audio.frames.dlq).")
final class ServeCommand implements Callable<Integer> {

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    AdaptationOptions adaptation;

    @Mixin
    DecoderOptions decoding;

    @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT", description = "Kafka bootstrap servers.")
    String bootstrap;

    @Option(names = "--application-id", description = "Kafka Streams application id. Default: ${DEFAULT-VALUE}.")
    String applicationId = "tta-stream";

    @Option(names = "--state-dir", description = "Kafka Streams state directory. Default: ${DEFAULT-VALUE}.")
    Path stateDir = Path.of("runs", "kafka-streams");

    @Option(names = "--instance-id", paramLabel = "ID", description = "Static group membership (group.instance.id): "
            + "a restarted instance with the same id takes its tasks back at once instead of after the session timeout.")
    String instanceId;

    @Option(names = "--weights-dir", description = "Where each scope's adapted weights and strategy state are committed "
            + "(RocksDB, one per service instance). Default: ${DEFAULT-VALUE}.")
    Path weightsDir = Path.of("runs", "tta-weights");

    @Option(names = "--compare-source", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Also decode each utterance with the unadapted source model (source_text in transcripts, "
                    + "the source row of the online WER when references arrive). Default: ${DEFAULT-VALUE}.")
    boolean compareSource;

    @Option(names = "--metrics-port", description = "Prometheus /metrics port (0: any free port). Default: ${DEFAULT-VALUE}.")
    int metricsPort = 9404;

    @Option(names = "--partitions", description = "Partitions for topics this command creates. Default: ${DEFAULT-VALUE}.")
    int partitions = 1;

    @Override
    public Integer call() throws Exception {
        List<String> names = adaptation.strategiesOr(List.of("suta"));
        if (names.size() != 1) {
            throw new IllegalArgumentException("serve runs one strategy, got " + names);
        }
        Topics.createMissing(bootstrap, partitions);
        Recogniser recogniser = Recogniser.load(modelOptions.modelDirectory(), modelOptions.backend());
        WeightStore weights = WeightStore.open(weightsDir, recogniser.modelId());
        StrategyRecognizer recognizer = new StrategyRecognizer(names.get(0), adaptation.sutaConfig(recogniser.adaptationDefaults(), names.get(0)),
                recogniser::newModel, weights, compareSource, decoding.decoderFor(recogniser.vocabulary()));
        TtaMetrics metrics = new TtaMetrics();
        int port = metrics.start(metricsPort);
        Properties properties = TranscriptionTopology.properties(applicationId, bootstrap, stateDir);
        if (instanceId != null) {
            properties.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), instanceId);
        }
        KafkaStreams streams = new KafkaStreams(TranscriptionTopology.build(Config.defaults(), recognizer, metrics),
                properties);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            streams.close();
            weights.close();
            recogniser.close();
            metrics.close();
            stopped.countDown();
        }));
        streams.start();
        System.err.printf("tta serve: %s on %s, strategy %s (%s), model %s (%s), %s, weights %s, metrics http://localhost:%d/metrics%n",
                applicationId, bootstrap, names.get(0), adaptation.describe(recogniser.adaptationDefaults(), List.of(names.get(0))),
                modelOptions.modelDirectory(), recogniser.modelId(), decoding.describe(), weightsDir, port);
        stopped.await();
        return 0;
    }
}
