package io.ttastream.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ttastream.adaptation.model.Wav2Vec2Model;
import io.ttastream.app.EmbeddedKafka;
import io.ttastream.adaptation.strategy.Strategies;
import io.ttastream.adaptation.suta.SutaConfig;
import io.ttastream.app.stream.Config;
import io.ttastream.app.stream.FrameHeaders;
import io.ttastream.app.stream.Recognizer;
import io.ttastream.app.stream.Topics;
import io.ttastream.app.stream.TranscriptionTopology;
import io.ttastream.asr.HuggingFaceCheckpoints;
import io.ttastream.asr.audio.FeatureExtractor;
import io.ttastream.asr.audio.Pcm16;
import io.ttastream.kernels.CpuBackend;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Kafka Streams service against a real broker: frames in, transcripts out (exactly-once,
 * read_committed), malformed frames in the dead-letter topic with a reason while the stream goes on, an
 * utterance the model cannot take in the utterance dead-letter topic.
 */
class StreamingServiceTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void framesBecomeTranscriptsAndBadFramesGoToTheDeadLetterTopic() throws Exception {
        try (EmbeddedKafka broker = EmbeddedKafka.start(dir);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()));
             CpuBackend backend = new CpuBackend(2)) {
            List<NewTopic> topics = new ArrayList<>();
            for (String t : List.of(Topics.AUDIO_FRAMES, Topics.AUDIO_FRAMES_DLQ, Topics.UTTERANCES_DLQ, Topics.ASR_TRANSCRIPTS,
                    Topics.TTA_EVENTS, Topics.ASR_REFERENCES)) {
                topics.add(new NewTopic(t, 1, (short) 1));
            }
            admin.createTopics(topics).all().get();

            var checkpoint = HuggingFaceCheckpoints.load(Path.of("../adaptation/src/test/resources/golden/tiny-layer"));
            Wav2Vec2Model model = new Wav2Vec2Model(backend, checkpoint);
            var source = Strategies.create("source", model, SutaConfig.reference());
            Recognizer recognizer = u -> {
                var outcome = source.process(FeatureExtractor.normalize(u.samples()));
                return new Recognizer.Result(outcome.text(), null, outcome.entropyBefore(), outcome.entropyAfter(), "source", "source",
                        List.of());
            };
            Properties props = TranscriptionTopology.properties("tta-e2e", broker.bootstrap(), dir.resolve("streams"));
            props.put("commit.interval.ms", "200");
            try (io.ttastream.app.metrics.TtaMetrics metrics = new io.ttastream.app.metrics.TtaMetrics();
                 KafkaStreams streams = new KafkaStreams(TranscriptionTopology.build(Config.defaults(), recognizer, metrics), props)) {
                int metricsPort = metrics.start(0);
                streams.start();
                try (KafkaProducer<String, byte[]> producer = producer(broker.bootstrap())) {
                    long seq = 0;
                    for (String utterance : List.of("u1", "u2")) {
                        for (int f = 0; f < 4; f++) { // 4 frames of 0.2 s
                            producer.send(frame("s1", seq++, 16000, f == 3, utterance, tone(3200, 300 + 100 * f)));
                        }
                    }
                    producer.send(frame("s2", 0, 8000, true, "bad", tone(1600, 300))); // wrong sample rate
                    // 10 ms: a valid frame, but an utterance too short for the model's feature encoder.
                    producer.send(frame("s4", 0, 16000, true, "blip", tone(160, 300)));
                    String reference = "{\"utterance\": \"u1\", \"text\": \"a tone is not a word\"}";
                    producer.send(new ProducerRecord<>(Topics.ASR_REFERENCES, "s1", reference.getBytes(StandardCharsets.UTF_8)));
                    producer.flush();
                }
                // A user's way in: tta produce streams a WAV file (44.1 kHz here, resampled) as frames.
                Path wav = dir.resolve("hello.wav");
                float[] samples = new float[44100 / 2];
                for (int i = 0; i < samples.length; i++) {
                    samples[i] = (float) (0.3 * Math.sin(2 * Math.PI * 440 * i / 44100.0));
                }
                java.nio.file.Files.write(wav, io.ttastream.asr.audio.WavDecoder.encodePcm16(samples, 44100));
                assertEquals(0, io.ttastream.app.TtaCli.commandLine().execute("produce", "--bootstrap", broker.bootstrap(),
                        "--stream", "s3", wav.toString()));
                List<ConsumerRecord<String, byte[]>> transcripts = consume(broker.bootstrap(), Topics.ASR_TRANSCRIPTS, 3);
                List<ConsumerRecord<String, byte[]>> rejected = consume(broker.bootstrap(), Topics.AUDIO_FRAMES_DLQ, 1);
                List<ConsumerRecord<String, byte[]>> failed = consume(broker.bootstrap(), Topics.UTTERANCES_DLQ, 1);
                List<ConsumerRecord<String, byte[]>> events = consume(broker.bootstrap(), Topics.TTA_EVENTS, 1);
                assertEquals(1, events.size(), "the source recogniser reports no events; one wer event for the reference");
                JsonNode wer = JSON.readTree(events.get(0).value());
                assertEquals("wer", wer.path("type").asText());
                assertEquals("u1", wer.path("utterance").asText());
                assertEquals(3, transcripts.size(), "each utterance exactly once");
                JsonNode first = JSON.readTree(transcripts.get(0).value());
                JsonNode second = JSON.readTree(transcripts.get(1).value());
                assertEquals("s1", first.path("stream").asText());
                assertEquals("u1", first.path("utterance").asText());
                assertEquals("u2", second.path("utterance").asText());
                assertEquals(0.8, first.path("audio_seconds").asDouble(), 1e-6);
                assertTrue(first.has("text") && first.has("entropy_before"), first.toString());
                JsonNode produced = JSON.readTree(transcripts.get(2).value());
                assertEquals("s3", produced.path("stream").asText());
                assertEquals("hello", produced.path("utterance").asText());
                assertEquals(0.5, produced.path("audio_seconds").asDouble(), 1e-3);
                assertEquals(1, rejected.size());
                String reason = new String(rejected.get(0).headers().lastHeader(FrameHeaders.REASON).value(), StandardCharsets.UTF_8);
                assertEquals("unsupported_sample_rate", reason);
                assertEquals(1, failed.size());
                assertEquals("s4", failed.get(0).key());
                assertEquals(320, failed.get(0).value().length, "the utterance's audio");
                assertEquals("recognition_failed", new String(failed.get(0).headers().lastHeader(FrameHeaders.REASON).value(),
                        StandardCharsets.UTF_8));
                String error = new String(failed.get(0).headers().lastHeader(FrameHeaders.ERROR).value(), StandardCharsets.UTF_8);
                assertTrue(error.contains("too short for the feature encoder: 160 samples, at least 400"), error);

                // Prometheus sees the same story.
                String scrape = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                                java.net.URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
                assertTrue(scrape.contains("tta_frames_rejected_total{reason=\"unsupported_sample_rate\",} 1.0"), scrape);
                assertTrue(scrape.contains("tta_utterances_total{scope=\"s1\",} 2.0"), scrape);
                assertTrue(scrape.contains("tta_utterances_failed_total{scope=\"s4\",} 1.0"), scrape);
                assertTrue(scrape.contains("tta_frames_accepted_total{stream=\"s1\",} 8.0"), scrape);
                assertTrue(scrape.contains("tta_end_to_end_latency_seconds_count{scope=\"s1\",} 2.0"), scrape);
                assertTrue(scrape.contains("tta_reference_words_total{scope=\"s1\",strategy=\"source\",} 6.0"), scrape);
            }
        }
    }

    private static byte[] tone(int samples, double freq) {
        float[] x = new float[samples];
        for (int i = 0; i < samples; i++) {
            x[i] = (float) (0.3 * Math.sin(2 * Math.PI * freq * i / 16000));
        }
        return Pcm16.encode(x);
    }

    static ProducerRecord<String, byte[]> frame(String stream, long seq, int rate, boolean end, String utterance, byte[] pcm) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topics.AUDIO_FRAMES, stream, pcm);
        record.headers().add(FrameHeaders.SEQ, Long.toString(seq).getBytes(StandardCharsets.UTF_8));
        record.headers().add(FrameHeaders.SAMPLE_RATE, Integer.toString(rate).getBytes(StandardCharsets.UTF_8));
        record.headers().add(FrameHeaders.CHANNELS, "1".getBytes(StandardCharsets.UTF_8));
        record.headers().add(FrameHeaders.END_OF_UTTERANCE, Boolean.toString(end).getBytes(StandardCharsets.UTF_8));
        record.headers().add(FrameHeaders.UTTERANCE_ID, utterance.getBytes(StandardCharsets.UTF_8));
        return record;
    }

    static KafkaProducer<String, byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), new StringSerializer(), new ByteArraySerializer());
    }

    private static List<ConsumerRecord<String, byte[]>> consume(String bootstrap, String topic, int expected) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "e2e-" + topic, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + 90_000;
            while (out.size() < expected && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(out::add);
            }
            // A little longer, to catch duplicates that would break exactly-once.
            long settle = System.currentTimeMillis() + 2_000;
            while (System.currentTimeMillis() < settle) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }
}
