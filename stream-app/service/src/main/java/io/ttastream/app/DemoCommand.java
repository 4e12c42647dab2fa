package io.ttastream.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ttastream.adaptation.bench.Corruption;
import io.ttastream.adaptation.bench.Domains;
import io.ttastream.adaptation.data.Manifest;
import io.ttastream.adaptation.metrics.ErrorRate;
import io.ttastream.app.cli.DecoderOptions;
import io.ttastream.app.metrics.TtaMetrics;
import io.ttastream.app.stream.Config;
import io.ttastream.app.stream.Recognizer;
import io.ttastream.app.stream.Topics;
import io.ttastream.app.stream.TranscriptionTopology;
import io.ttastream.asr.audio.AudioLoader;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import io.ttastream.kernels.Backend;
import io.ttastream.kernels.CpuBackend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;

/**
 * The main job on the embedded default: starts a real single-node Kafka broker (no Docker), runs the
 * streaming service on it, streams the demo audio (real read speech, real noise, a domain change half
 * way) as speech frames, prints each transcript as it comes out of asr.transcripts, and ends with the
 * WER of the adapted service against source decoding of the same audio.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the service on an embedded Kafka broker, stream the demo audio through it, compare adapted vs source WER.")
final class DemoCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--model", paramLabel = "DIR", description = "Checkpoint directory (default: models/source).")
    Path model;

    @Option(names = "--manifest", paramLabel = "TSV",
            description = "Demo speech (default: ../shared/data/speech/ljspeech.tsv).")
    Path manifest;

    @Option(names = "--limit", description = "Utterances to stream. Default: ${DEFAULT-VALUE}.")
    int limit = 8;

    @Option(names = "--domains", split = ",", description = "Domains, one block each (names as in tta bench). Default: running_tap,GS.")
    List<String> domains = List.of("running_tap", "GS");

    @Mixin
    AdaptationOptions adaptation;

    @Mixin
    DecoderOptions decoding;

    /**
     * The demo marks every utterance's last frame, so energy endpointing is off: a pause inside a sentence
     * would otherwise split it, and the parts would be scored against the whole sentence's reference.
     */
    private static final Config DEMO_CONFIG = Config.defaults().withEndpointSilence(Duration.ZERO);

    private String strategy;

    @Override
    public Integer call() throws Exception {
        strategy = adaptation.strategiesOr(List.of("suta")).get(0);
        Path manifestPath = manifest != null ? manifest : Home.path("..", "shared", "data", "speech", "ljspeech.tsv");
        List<Manifest.Entry> entries = Manifest.read(manifestPath).requireAudio().entries();
        entries = entries.subList(0, Math.min(limit, entries.size()));
        Domains corruptions = new Domains(Home.path("..", "shared", "data"));
        Path work = Files.createTempDirectory("tta-demo");
        System.out.println("tta demo: starting an embedded Kafka broker (KRaft, no Docker) ...");
        try (EmbeddedKafka broker = EmbeddedKafka.start(work);
             Recogniser recogniser = recogniser(new CpuBackend(Runtime.getRuntime().availableProcessors()))) {
            Topics.createMissing(broker.bootstrap(), 1);
            // The source decoding rides along, for the side-by-side comparison.
            Recognizer recognizer = new StrategyRecognizer(strategy, adaptation.sutaConfig(recogniser.adaptationDefaults(), strategy),
                    recogniser::newModel, null, true, decoding.decoderFor(recogniser.vocabulary()));
            Properties props = TranscriptionTopology.properties("tta-demo", broker.bootstrap(), work.resolve("streams"));
            props.put("commit.interval.ms", "200");
            try (TtaMetrics metrics = new TtaMetrics();
                 KafkaStreams streams = new KafkaStreams(TranscriptionTopology.build(DEMO_CONFIG, recognizer, metrics), props)) {
                int port = metrics.start(0);
                streams.start();
                System.out.printf("broker %s, service strategy '%s' (%s), %d utterances from %s%nmetrics: http://localhost:%d/metrics%n%n",
                        broker.bootstrap(), strategy, adaptation.describe(recogniser.adaptationDefaults(), List.of(strategy)), entries.size(),
                        manifestPath, port);
                String[] domainOf = produce(broker.bootstrap(), entries, corruptions);
                report(broker.bootstrap(), entries, domainOf);
            }
        }
        return 0;
    }

    /**
     * Streams every utterance as 0.1 s PCM16 frames, and its reference to asr.references so that the service's
     * online WER metrics fill in; returns each utterance's domain.
     */
    private String[] produce(String bootstrap, List<Manifest.Entry> entries, Domains corruptions) throws Exception {
        String[] domainOf = new String[entries.size()];
        int perDomain = (entries.size() + domains.size() - 1) / domains.size();
        try (FrameProducer producer = new FrameProducer(bootstrap, "demo", null, 0.1);
             KafkaProducer<String, String> references = new KafkaProducer<>(
                     Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringSerializer(), new StringSerializer())) {
            for (int u = 0; u < entries.size(); u++) {
                domainOf[u] = domains.get(Math.min(u / perDomain, domains.size() - 1));
                Corruption corruption = corruptions.resolve(domainOf[u]).variant(u);
                String id = String.format("u%02d", u);
                producer.send(id, corruption.apply(AudioLoader.load16k(entries.get(u).audio()), u), false);
                ObjectNode reference = JSON.createObjectNode().put("utterance", id).put("text", entries.get(u).reference());
                references.send(new ProducerRecord<>(Topics.ASR_REFERENCES, "demo", reference.toString()));
            }
        }
        return domainOf;
    }

    /** Prints transcripts as they arrive, then adapted vs source WER. */
    private void report(String bootstrap, List<Manifest.Entry> entries, String[] domainOf) {
        ErrorRate adaptedErrors = new ErrorRate();
        ErrorRate sourceErrors = new ErrorRate();
        int received = 0;
        long deadline = System.currentTimeMillis() + 120_000L + 20_000L * entries.size();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap, ConsumerConfig.GROUP_ID_CONFIG, "tta-demo-reader", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest", ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(Topics.ASR_TRANSCRIPTS));
            while (received < entries.size() && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    JsonNode t = JSON.readTree(record.value());
                    int u = Integer.parseInt(t.path("utterance").asText().substring(1));
                    String reference = entries.get(u).reference();
                    String adaptedText = t.path("text").asText();
                    String sourceHypothesis = t.path("source_text").asText();
                    adaptedErrors.add(reference, adaptedText);
                    sourceErrors.add(reference, sourceHypothesis);
                    System.out.printf("[%s %s, %.1f s audio, %d ms]%n  REF:     %s%n  source:  %s%n  %-8s %s%n",
                            t.path("utterance").asText(), domainOf[u], t.path("audio_seconds").asDouble(),
                            t.path("processing_ms").asLong(), reference, sourceHypothesis, strategy + ":", adaptedText);
                    received++;
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("reading asr.transcripts failed: " + e.getMessage(), e);
        }
        System.out.printf("%n%d of %d transcripts received%nsource    WER %.1f%%  CER %.1f%%%n%-9s WER %.1f%%  CER %.1f%%%n",
                received, entries.size(), 100 * sourceErrors.wer(), 100 * sourceErrors.cer(), strategy,
                100 * adaptedErrors.wer(), 100 * adaptedErrors.cer());
    }

    private Recogniser recogniser(Backend backend) throws Exception {
        Path dir = model != null ? model : Home.path("models", "source");
        if (Files.isDirectory(dir)) {
            System.out.println("model: " + dir);
            return Recogniser.load(dir, backend);
        }
        System.out.println("model: " + dir + " is missing (run from the project folder, or give --model DIR);");
        System.out.println("       running the real pipeline on a randomly initialised tiny wav2vec2,");
        System.out.println("       so the transcripts below are noise.");
        return Recogniser.randomTiny(backend, "demo");
    }
}
