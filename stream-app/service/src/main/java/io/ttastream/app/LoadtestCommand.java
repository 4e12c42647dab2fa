package io.ttastream.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ttastream.app.cli.DecoderOptions;
import io.ttastream.app.stream.Config;
import io.ttastream.app.stream.Topics;
import io.ttastream.app.stream.TranscriptionTopology;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import io.ttastream.kernels.CpuBackend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Sustained throughput and latency of the whole service: N concurrent streams send utterances as
 * frames to a real broker (embedded unless --bootstrap is given); the service transcribes them;
 * a reader measures end-to-end latency (last frame sent -> transcript read, read_committed) and
 * the stream layer's overhead over the engine's own time (the transcript's processing_ms).
 */
@Command(name = "loadtest", mixinStandardHelpOptions = true,
        description = "Load-test the streaming service: utterances/s, latency percentiles, stream-layer overhead.")
final class LoadtestCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--model", paramLabel = "DIR", description = "Checkpoint (default: a random tiny model: the stream layer is what is measured).")
    Path model;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "Use this broker instead of an embedded one.")
    String bootstrap;

    @Option(names = "--streams", description = "Concurrent streams. Default: ${DEFAULT-VALUE}.")
    int streams = 4;

    @Option(names = "--utterances", description = "Utterances per stream. Default: ${DEFAULT-VALUE}.")
    int utterances = 10;

    @Option(names = "--seconds", description = "Seconds of audio per utterance. Default: ${DEFAULT-VALUE}.")
    double seconds = 2;

    @Option(names = "--real-time", description = "Pace each stream like a live microphone.")
    boolean realTime;

    @Mixin
    AdaptationOptions adaptation;

    @Mixin
    DecoderOptions decoding;

    @Override
    public Integer call() throws Exception {
        String strategy = adaptation.strategiesOr(List.of("source")).get(0);
        Path work = Files.createTempDirectory("tta-loadtest");
        try (EmbeddedKafka broker = bootstrap == null ? EmbeddedKafka.start(work) : null;
             Recogniser recogniser = model != null
                     ? Recogniser.load(model, new CpuBackend(Runtime.getRuntime().availableProcessors()))
                     : Recogniser.randomTiny(new CpuBackend(Runtime.getRuntime().availableProcessors()), "loadtest")) {
            String servers = broker != null ? broker.bootstrap() : bootstrap;
            Topics.createMissing(servers, Math.max(1, streams));
            StrategyRecognizer recognizer = new StrategyRecognizer(strategy, adaptation.sutaConfig(recogniser.adaptationDefaults(), strategy),
                    recogniser::newModel, null, false, decoding.decoderFor(recogniser.vocabulary()));
            Properties props = TranscriptionTopology.properties("tta-loadtest-" + System.nanoTime(), servers, work.resolve("streams"));
            try (KafkaStreams service = new KafkaStreams(TranscriptionTopology.build(Config.defaults(), recognizer), props)) {
                service.start();
                awaitRunning(service);
                System.err.printf("loadtest: %d streams x %d utterances of %.1f s, strategy %s, %s, broker %s%n",
                        streams, utterances, seconds, strategy, decoding.describe(), servers);
                Map<String, Long> sentAt = new ConcurrentHashMap<>();
                long started = System.nanoTime();
                ExecutorService senders = Executors.newFixedThreadPool(streams);
                List<Future<?>> sending = new ArrayList<>();
                for (int s = 0; s < streams; s++) {
                    String stream = "load-" + s;
                    sending.add(senders.submit(() -> {
                        try (FrameProducer producer = new FrameProducer(servers, stream, null, 0.1)) {
                            Random random = new Random(stream.hashCode());
                            for (int u = 0; u < utterances; u++) {
                                String id = stream + "-u" + u;
                                producer.send(id, syntheticUtterance(random), realTime);
                                sentAt.put(id, System.nanoTime());
                            }
                        }
                        return null;
                    }));
                }
                List<double[]> latencies = read(servers, streams * utterances, sentAt);
                for (Future<?> f : sending) {
                    f.get();
                }
                senders.shutdown();
                double wall = (System.nanoTime() - started) / 1e9;
                report(latencies, wall);
            }
        }
        return 0;
    }

    /** Start-up (group join, internal topics, stores) is not what a load test measures. */
    private static void awaitRunning(KafkaStreams service) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 120_000;
        while (service.state() != KafkaStreams.State.RUNNING) {
            if (System.currentTimeMillis() > deadline || !service.state().isRunningOrRebalancing()) {
                throw new IllegalStateException("the service did not reach RUNNING: " + service.state());
            }
            Thread.sleep(100);
        }
    }

    private float[] syntheticUtterance(Random random) {
        float[] audio = new float[(int) (seconds * 16000)];
        double freq = 200 + 300 * random.nextDouble();
        for (int i = 0; i < audio.length; i++) {
            audio[i] = (float) (0.3 * Math.sin(2 * Math.PI * freq * i / 16000) + 0.01 * random.nextGaussian());
        }
        return audio;
    }

    /** Reads transcripts until all arrive; returns {latency s, processing s} per utterance. */
    private List<double[]> read(String servers, int expected, Map<String, Long> sentAt) {
        List<double[]> out = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 60_000L + (long) (expected * seconds * 5_000);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                servers, ConsumerConfig.GROUP_ID_CONFIG, "tta-loadtest-reader-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(Topics.ASR_TRANSCRIPTS));
            while (out.size() < expected && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                    long now = System.nanoTime();
                    JsonNode t = JSON.readTree(record.value());
                    Long sent = sentAt.get(t.path("utterance").asText());
                    if (sent != null) {
                        out.add(new double[]{(now - sent) / 1e9, t.path("processing_ms").asDouble() / 1000});
                        if (out.size() % 10 == 0 || out.size() == expected) {
                            System.err.printf("loadtest: %d/%d transcripts%n", out.size(), expected);
                        }
                    }
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("reading transcripts failed: " + e.getMessage(), e);
        }
        return out;
    }

    private void report(List<double[]> results, double wall) {
        List<Double> latency = new ArrayList<>();
        double processing = 0;
        for (double[] r : results) {
            latency.add(r[0]);
            processing += r[1];
        }
        Collections.sort(latency);
        double meanLatency = latency.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        double meanProcessing = processing / Math.max(1, results.size());
        System.out.println("| streams | utterances | utterances/s | audio s/s | latency p50 (s) | p95 (s) | p99 (s) | engine time mean (s) | stream-layer overhead mean (s) |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        System.out.printf("| %d | %d | %.2f | %.2f | %.3f | %.3f | %.3f | %.3f | %.3f |%n", streams, results.size(),
                results.size() / wall, results.size() * seconds / wall, percentile(latency, 0.50),
                percentile(latency, 0.95), percentile(latency, 0.99), meanProcessing, meanLatency - meanProcessing);
    }

    private static double percentile(List<Double> sorted, double p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }
}
