package io.ttastream.flink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ttastream.adaptation.decode.BeamSearchCtcDecoder;
import io.ttastream.adaptation.decode.DecoderSpec;
import io.ttastream.app.EmbeddedKafka;
import io.ttastream.app.stream.Config;
import io.ttastream.app.stream.FrameHeaders;
import io.ttastream.app.stream.Topics;
import io.ttastream.asr.audio.Pcm16;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Flink job on a local MiniCluster (1 task manager, 2 slots, no restarts) against a real Kafka broker forked
 * from the Kafka jars: frames in, transcripts and adaptation events out, exactly once for a read_committed
 * consumer; malformed frames in the dead-letter topic with their reason while their streams go on; a second run
 * resumes from the first one's last checkpoint.
 */
class TranscriptionJobTest {

    /** A tiny random wav2vec2 checkpoint in the Hugging Face format, from the adaptation module's test data. */
    private static final Path TINY_MODEL = Path.of("../../adaptation/src/test/resources/golden/tiny-layer");
    private static final List<String> SCOPES = List.of("a", "b", "c");
    /** DSUTA's slow update comes with every 5th utterance of a scope (its buffer size). */
    private static final int UTTERANCES_PER_SCOPE = 5;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void framesBecomeTranscriptsAndEventsExactlyOnceAndBadFramesGoToTheDeadLetterTopic() throws Exception {
        try (EmbeddedKafka broker = EmbeddedKafka.start(dir)) {
            Topics.createMissing(broker.bootstrap(), 2);
            int metricsPort = freePort();
            JobClient job = startJob(broker.bootstrap(), null, metricsPort, DecoderSpec.greedy());
            try {
                produceFrames(broker.bootstrap());

                int expectedTranscripts = SCOPES.size() * UTTERANCES_PER_SCOPE + 1;
                Map<String, List<ConsumerRecord<String, byte[]>>> output = consume(broker.bootstrap(), Map.of(
                        Topics.ASR_TRANSCRIPTS, expectedTranscripts, Topics.TTA_EVENTS, SCOPES.size(), Topics.AUDIO_FRAMES_DLQ, 3,
                        Topics.UTTERANCES_DLQ, 1));
                List<JsonNode> transcripts = json(output.get(Topics.ASR_TRANSCRIPTS));
                List<JsonNode> events = json(output.get(Topics.TTA_EVENTS));
                List<ConsumerRecord<String, byte[]>> deadLetters = output.get(Topics.AUDIO_FRAMES_DLQ);

                // Exactly once: every utterance's transcript, none twice, although outputs are written in transactions
                // that commit on checkpoints.
                assertEquals(expectedTranscripts, transcripts.size(), transcripts.toString());
                Set<String> utterances = new HashSet<>();
                transcripts.forEach(t -> utterances.add(t.path("utterance").asText()));
                assertEquals(expectedTranscripts, utterances.size(), "no utterance twice: " + transcripts);

                // Each scope's utterance count lives in keyed state: versions 1..5 per scope, interleaved input.
                Map<String, Set<String>> versions = new HashMap<>();
                for (JsonNode t : transcripts) {
                    versions.computeIfAbsent(t.path("scope").asText(), s -> new TreeSet<>()).add(t.path("model_version").asText());
                }
                for (String scope : SCOPES) {
                    assertEquals(Set.of("dsuta@" + scope + "#1", "dsuta@" + scope + "#2", "dsuta@" + scope + "#3",
                            "dsuta@" + scope + "#4", "dsuta@" + scope + "#5"), versions.get(scope));
                }
                JsonNode first = transcripts.stream().filter(t -> t.path("utterance").asText().equals("a-0")).findFirst().orElseThrow();
                assertEquals("a", first.path("stream").asText());
                assertEquals(0, first.path("first_seq").asLong());
                assertEquals(3, first.path("last_seq").asLong());
                assertEquals(0.8, first.path("audio_seconds").asDouble(), 1e-9);
                assertEquals("end_of_utterance", first.path("closing_reason").asText());
                assertTrue(first.has("text") && first.path("entropy_before").isNumber(), first.toString());
                assertTrue(transcripts.stream().anyMatch(t -> !t.path("text").asText().matches("[E ]*")),
                        "greedy decoding of the random model writes other letters than E: " + transcripts);

                // An utterance without an end-of-utterance flag is closed by the idle timer.
                JsonNode idle = transcripts.stream().filter(t -> t.path("stream").asText().equals("quiet")).findFirst().orElseThrow();
                assertEquals("idle_timeout", idle.path("closing_reason").asText());
                assertEquals(0.4, idle.path("audio_seconds").asDouble(), 1e-9);

                // The strategy's learned state is kept per scope in keyed state, although the three scopes' utterances
                // interleave on two tasks: each scope's slow update comes with its own 5th utterance.
                List<JsonNode> slowUpdates = events.stream().filter(e -> e.path("type").asText().equals("slow_update")).toList();
                assertEquals(SCOPES.size(), slowUpdates.size(), events.toString());
                for (JsonNode update : slowUpdates) {
                    String scope = update.path("scope").asText();
                    assertEquals("dsuta@" + scope + "#5", update.path("model_version").asText());
                    assertEquals(1.0, update.path("details").path("statistic").asDouble());
                }

                Map<String, String> reasons = new HashMap<>();
                for (ConsumerRecord<String, byte[]> rejected : deadLetters) {
                    reasons.put(String.valueOf(rejected.key()), header(rejected, FrameHeaders.REASON));
                    assertNotNull(rejected.headers().lastHeader(FrameHeaders.ERROR), "the error in words");
                }
                assertEquals(Map.of("a", "unsupported_sample_rate", "b", "duplicate_sequence", "null", "bad_key"), reasons);
                ConsumerRecord<String, byte[]> wrongRate = deadLetters.stream().filter(r -> "a".equals(r.key())).findFirst().orElseThrow();
                assertEquals("8000", header(wrongRate, FrameHeaders.SAMPLE_RATE), "the original headers are kept");

                // The model cannot take a 10 ms utterance: it goes to its own dead-letter topic, and scope c's versions
                // and slow update above show that it cost the scope nothing.
                List<ConsumerRecord<String, byte[]>> failed = output.get(Topics.UTTERANCES_DLQ);
                assertEquals(1, failed.size());
                assertEquals("c", failed.get(0).key());
                assertEquals("c-blip", header(failed.get(0), FrameHeaders.UTTERANCE_ID));
                assertEquals("recognition_failed", header(failed.get(0), FrameHeaders.REASON));
                assertTrue(header(failed.get(0), FrameHeaders.ERROR).contains("too short"), header(failed.get(0), FrameHeaders.ERROR));
                assertEquals(320, failed.get(0).value().length);

                // The same counts in Flink's metrics, scraped from the Prometheus reporter (summed over subtasks).
                Map<String, Double> metrics = scrapeSums(metricsPort);
                String operator = "flink_taskmanager_job_task_operator_tta_";
                assertEquals(3.0, metrics.get(operator + "reason_frames_rejected"), metrics.toString());
                assertEquals(expectedTranscripts + 1.0, metrics.get(operator + "utterances_assembled"), "and the blip: " + metrics);
                assertEquals((double) expectedTranscripts, metrics.get(operator + "utterances"), metrics.toString());
                assertEquals(1.0, metrics.get(operator + "utterances_failed"), metrics.toString());
                assertEquals((double) SCOPES.size(), metrics.get(operator + "slow_updates"), metrics.toString());
                assertEquals(0.0, metrics.get(operator + "reason_resets"), metrics.toString());
            } finally {
                job.cancel().get();
            }

            // A new run resumes from the last checkpoint: sequence numbers, utterance counts and learned state go on,
            // and nothing already written is written again. It decodes with a beam search whose language model, read
            // by the task from a text that only ever says "E", outweighs the acoustics: its transcript can only say E.
            Path checkpoint = TranscriptionJob.latestCheckpoint(dir.resolve("checkpoints")).orElseThrow();
            Path lmText = Files.writeString(dir.resolve("lm.txt"), "E\nE E\nE E E\n");
            DecoderSpec onlyE = new DecoderSpec("beam", new BeamSearchCtcDecoder.Config(8, 100.0, 50.0, -10.0),
                    lmText.toString(), List.of(), 3);
            job = startJob(broker.bootstrap(), checkpoint, null, onlyE);
            try {
                try (KafkaProducer<String, byte[]> producer = producer(broker.bootstrap())) {
                    long seq = 4L * UTTERANCES_PER_SCOPE; // stream a's next sequence number
                    producer.send(frame("a", seq - 1, 16000, true, "a-replayed", tone(3200, 300)));
                    for (int f = 0; f < 4; f++) {
                        producer.send(frame("a", seq + f, 16000, f == 3, "a-after-restart", tone(3200, 300 + 100 * f)));
                    }
                }
                Map<String, List<ConsumerRecord<String, byte[]>>> output = consume(broker.bootstrap(), Map.of(
                        Topics.ASR_TRANSCRIPTS, 1, Topics.TTA_EVENTS, 0, Topics.AUDIO_FRAMES_DLQ, 1));
                List<JsonNode> transcripts = json(output.get(Topics.ASR_TRANSCRIPTS));
                assertEquals(1, transcripts.size(), transcripts.toString());
                assertEquals("a-after-restart", transcripts.get(0).path("utterance").asText());
                assertEquals("dsuta@a#6", transcripts.get(0).path("model_version").asText());
                String text = transcripts.get(0).path("text").asText();
                assertTrue(!text.isEmpty() && text.matches("[E ]+"), "the language model's letter only: '" + text + "'");
                assertEquals(List.of(), output.get(Topics.TTA_EVENTS));
                assertEquals(1, output.get(Topics.AUDIO_FRAMES_DLQ).size());
                assertEquals("duplicate_sequence", header(output.get(Topics.AUDIO_FRAMES_DLQ).get(0), FrameHeaders.REASON));
            } finally {
                job.cancel().get();
            }
        }
    }

    /**
     * Starts the job on a local MiniCluster, from {@code checkpoint} unless it is null, with the Prometheus reporter on
     * {@code metricsPort} unless it is null, decoding as {@code decoding} says.
     */
    private JobClient startJob(String bootstrap, Path checkpoint, Integer metricsPort, DecoderSpec decoding) throws Exception {
        Configuration configuration = TranscriptionJob.configuration(Duration.ofMillis(200), dir.resolve("checkpoints").toUri().toString());
        if (metricsPort != null) {
            TranscriptionJob.exposeMetrics(configuration, metricsPort);
        }
        configuration.set(TaskManagerOptions.NUM_TASK_SLOTS, 2);
        configuration.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        if (checkpoint != null) {
            configuration.set(StateRecoveryOptions.SAVEPOINT_PATH, checkpoint.toUri().toString());
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, configuration);
        TranscriptionJob.build(env, new TranscriptionJob.Settings(bootstrap, "tta-flink-test", "tta-flink-test",
                Config.defaults().withIdleTimeout(Duration.ofMillis(500)),
                new AdaptationSettings("dsuta", TINY_MODEL.toAbsolutePath().toString(), 1, 1, 2e-5, "ln", decoding)));
        return env.executeAsync("tta-flink-test");
    }

    /**
     * Five utterances of four 0.2 s frames on each of the streams a, b, c (each its own scope), interleaved; on the way a
     * frame at 8 kHz on a, a duplicate sequence number on b, a 10 ms utterance on c, a record without a key; and 0.4 s
     * on stream "quiet" with no end-of-utterance flag.
     */
    private static void produceFrames(String bootstrap) {
        Map<String, Long> nextSeq = new HashMap<>();
        try (KafkaProducer<String, byte[]> producer = producer(bootstrap)) {
            for (int u = 0; u < UTTERANCES_PER_SCOPE; u++) {
                for (String stream : SCOPES) {
                    for (int f = 0; f < 4; f++) {
                        long seq = nextSeq.merge(stream, 1L, Long::sum) - 1;
                        producer.send(frame(stream, seq, 16000, f == 3, stream + "-" + u, tone(3200, 300 + 100 * f)));
                    }
                    if (u == 2 && stream.equals("a")) {
                        producer.send(frame("a", nextSeq.get("a"), 8000, true, "a-bad", tone(1600, 300)));
                    }
                    if (u == 2 && stream.equals("b")) {
                        producer.send(frame("b", nextSeq.get("b") - 1, 16000, true, "b-again", tone(3200, 300)));
                    }
                    if (u == 2 && stream.equals("c")) {
                        producer.send(frame("c", nextSeq.merge("c", 1L, Long::sum) - 1, 16000, true, "c-blip", tone(160, 300)));
                    }
                }
            }
            producer.send(frame(null, 0, 16000, true, "nobody", tone(3200, 300)));
            producer.send(frame("quiet", 0, 16000, false, null, tone(3200, 300)));
            producer.send(frame("quiet", 1, 16000, false, null, tone(3200, 400)));
            producer.flush();
        }
    }

    private static KafkaProducer<String, byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
                new StringSerializer(), new ByteArraySerializer());
    }

    private static ProducerRecord<String, byte[]> frame(String stream, long seq, int rate, boolean end, String utterance, byte[] pcm) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topics.AUDIO_FRAMES, stream, pcm);
        record.headers().add(FrameHeaders.SEQ, Long.toString(seq).getBytes(StandardCharsets.UTF_8));
        record.headers().add(FrameHeaders.SAMPLE_RATE, Integer.toString(rate).getBytes(StandardCharsets.UTF_8));
        record.headers().add(FrameHeaders.CHANNELS, "1".getBytes(StandardCharsets.UTF_8));
        record.headers().add(FrameHeaders.END_OF_UTTERANCE, Boolean.toString(end).getBytes(StandardCharsets.UTF_8));
        if (utterance != null) {
            record.headers().add(FrameHeaders.UTTERANCE_ID, utterance.getBytes(StandardCharsets.UTF_8));
        }
        return record;
    }

    private static byte[] tone(int samples, double freq) {
        float[] x = new float[samples];
        for (int i = 0; i < samples; i++) {
            x[i] = (float) (0.3 * Math.sin(2 * Math.PI * freq * i / 16000));
        }
        return Pcm16.encode(x);
    }

    /**
     * Reads the topics as a read_committed consumer until each has at least its expected number of records, then a
     * few checkpoints longer, to catch duplicates that would break exactly-once.
     */
    private static Map<String, List<ConsumerRecord<String, byte[]>>> consume(String bootstrap, Map<String, Integer> expected) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "test", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, List<ConsumerRecord<String, byte[]>>> out = new HashMap<>();
        expected.keySet().forEach(topic -> out.put(topic, new ArrayList<>()));
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(expected.keySet());
            long deadline = System.currentTimeMillis() + 90_000;
            while (expected.entrySet().stream().anyMatch(e -> out.get(e.getKey()).size() < e.getValue())
                    && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> out.get(r.topic()).add(r));
            }
            long settle = System.currentTimeMillis() + 1_500;
            while (System.currentTimeMillis() < settle) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> out.get(r.topic()).add(r));
            }
        }
        return out;
    }

    private static List<JsonNode> json(List<ConsumerRecord<String, byte[]>> records) {
        return records.stream().map(r -> {
            try {
                return JSON.readTree(r.value());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).toList();
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Each metric of the Prometheus text page, by name, summed over its series (subtasks, label values). */
    private static Map<String, Double> scrapeSums(int port) throws Exception {
        HttpResponse<String> page = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
        Map<String, Double> sums = new HashMap<>();
        for (String line : page.body().split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int nameEnd = line.indexOf('{') >= 0 ? line.indexOf('{') : line.indexOf(' ');
            double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            sums.merge(line.substring(0, nameEnd), value, Double::sum);
        }
        return sums;
    }
}
