package io.ttastream.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ttastream.adaptation.model.Wav2Vec2Model;
import io.ttastream.adaptation.strategy.Strategies;
import io.ttastream.adaptation.strategy.Strategy;
import io.ttastream.adaptation.suta.SutaConfig;
import io.ttastream.app.EmbeddedKafka;
import io.ttastream.app.TtaCli;
import io.ttastream.app.stream.Topics;
import io.ttastream.asr.HuggingFaceCheckpoints;
import io.ttastream.asr.audio.FeatureExtractor;
import io.ttastream.asr.audio.Pcm16;
import io.ttastream.kernels.CpuBackend;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The service process is killed with SIGKILL mid-stream and started again on the same Kafka Streams
 * state and weight store: every utterance gets exactly one transcript, and the transcripts are the
 * ones an uninterrupted run of the same strategy produces, so the adaptation resumed from the
 * committed weights rather than from the source model or from weights that had seen the future.
 */
class ServiceCrashTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path TINY = Path.of("../adaptation/src/test/resources/golden/tiny-layer");
    private static final int UTTERANCES = 14;

    @TempDir
    Path dir;

    @Test
    void killedServiceResumesFromCommittedWeightsWithEveryTranscriptExactlyOnce() throws Exception {
        List<float[]> audio = audio();
        List<Strategy.Outcome> uninterrupted = uninterrupted(audio);
        try (EmbeddedKafka broker = EmbeddedKafka.start(dir);
             KafkaConsumer<String, String> transcripts = committedReader(broker.bootstrap())) {
            List<JsonNode> seen = new ArrayList<>();
            Process first = serve(broker.bootstrap(), "first");
            Thread producer = produceInRealTime(broker.bootstrap(), audio);
            while (seen.size() < 4) {
                poll(transcripts, seen, first, "first");
            }
            first.destroyForcibly(); // SIGKILL: no shutdown hook, no clean close of RocksDB or the producer
            assertTrue(first.waitFor(30, TimeUnit.SECONDS));
            assertEquals(137, first.exitValue(), "killed by SIGKILL");
            assertTrue(seen.size() < UTTERANCES, "killed mid-stream");

            long restart = System.nanoTime();
            Process second = serve(broker.bootstrap(), "second");
            try {
                long deadline = System.currentTimeMillis() + 120_000;
                int beforeRestart = seen.size();
                while (seen.size() == beforeRestart && System.currentTimeMillis() < deadline) {
                    poll(transcripts, seen, second, "second");
                }
                System.out.printf("crash test: killed after %d transcripts; the restarted service's first came %.1f s "
                        + "after its start%n", beforeRestart, (System.nanoTime() - restart) / 1e9);
                while (seen.size() < UTTERANCES && System.currentTimeMillis() < deadline) {
                    poll(transcripts, seen, second, "second");
                }
                long settle = System.currentTimeMillis() + 3_000; // time for a duplicate to show up
                while (System.currentTimeMillis() < settle) {
                    poll(transcripts, seen, second, "second");
                }
            } finally {
                producer.join();
                second.destroy();
                second.waitFor(30, TimeUnit.SECONDS);
            }
            assertEquals(UTTERANCES, seen.size(), "one transcript per utterance: " + seen);
            for (int i = 0; i < UTTERANCES; i++) {
                JsonNode t = seen.get(i);
                Strategy.Outcome expected = uninterrupted.get(i);
                assertEquals("u" + i, t.path("utterance").asText(), "in order, none missing or repeated");
                assertEquals(expected.text(), t.path("text").asText(), "transcript of u" + i);
                assertEquals(expected.entropyBefore(), t.path("entropy_before").asDouble(), 1e-6, "u" + i);
                assertEquals(expected.entropyAfter(), t.path("entropy_after").asDouble(), 1e-6, "u" + i);
                assertTrue(t.path("model_version").asText().endsWith("#" + (i + 1)), t.toString());
            }
            String secondLog = Files.readString(dir.resolve("second.log"));
            assertTrue(secondLog.contains("restored mic from Snapshot[mic"), secondLog);
            secondLog.lines().filter(line -> line.contains("restored")).forEach(line -> System.out.println("crash test: " + line));
        }
    }

    /** What the strategy makes of the utterances in one uninterrupted pass, in this JVM. */
    private static List<Strategy.Outcome> uninterrupted(List<float[]> audio) throws Exception {
        try (CpuBackend backend = new CpuBackend(1)) {
            Strategy dsuta = Strategies.create("dsuta", new Wav2Vec2Model(backend, HuggingFaceCheckpoints.load(TINY)),
                    SutaConfig.reference());
            List<Strategy.Outcome> outcomes = new ArrayList<>();
            for (float[] samples : audio) {
                float[] asSent = Pcm16.decode(Pcm16.encode(samples), 1); // the service hears 16-bit PCM
                outcomes.add(dsuta.process(FeatureExtractor.normalize(asSent)));
            }
            assertFalse(outcomes.stream().allMatch(o -> o.events().isEmpty()), "the kept state changes along the stream");
            return outcomes;
        }
    }

    /** {@code tta serve} in its own JVM, logging to {@code <name>.log}. */
    private Process serve(String bootstrap, String name) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(java, "-Xmx1g", "--add-modules", "jdk.incubator.vector",
                "-cp", System.getProperty("java.class.path"), TtaCli.class.getName(), "serve",
                "--bootstrap", bootstrap, "--model", TINY.toString(), "--strategy", "dsuta", "--threads", "1",
                "--state-dir", dir.resolve("streams").toString(), "--weights-dir", dir.resolve("weights").toString(),
                "--instance-id", "crash-test", "--metrics-port", "0");
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile()).start();
    }

    /** One utterance of stream "mic" every 300 ms, as one end-of-utterance frame each. */
    private static Thread produceInRealTime(String bootstrap, List<float[]> audio) {
        Thread thread = new Thread(() -> {
            try (KafkaProducer<String, byte[]> producer = StreamingServiceTest.producer(bootstrap)) {
                for (int i = 0; i < audio.size(); i++) {
                    producer.send(StreamingServiceTest.frame("mic", i, 16000, true, "u" + i, Pcm16.encode(audio.get(i))));
                    producer.flush();
                    Thread.sleep(300);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "paced-producer");
        thread.start();
        return thread;
    }

    private static KafkaConsumer<String, String> committedReader(String bootstrap) {
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "crash-test",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new StringDeserializer());
        consumer.subscribe(List.of(Topics.ASR_TRANSCRIPTS));
        return consumer;
    }

    private void poll(KafkaConsumer<String, String> consumer, List<JsonNode> seen, Process service, String name)
            throws Exception {
        if (!service.isAlive()) {
            throw new AssertionError("the service died: " + Files.readString(dir.resolve(name + ".log")));
        }
        for (var record : consumer.poll(Duration.ofMillis(200))) {
            seen.add(JSON.readTree(record.value()));
        }
    }

    /** One-second utterances: a tone that changes from one to the next, in noise. */
    private static List<float[]> audio() {
        Random random = new Random(11);
        List<float[]> list = new ArrayList<>();
        for (int i = 0; i < UTTERANCES; i++) {
            float[] samples = new float[16000];
            double freq = 180 + 70 * i;
            for (int t = 0; t < samples.length; t++) {
                samples[t] = (float) (0.3 * Math.sin(2 * Math.PI * freq * t / 16000) + 0.05 * random.nextGaussian());
            }
            list.add(samples);
        }
        return list;
    }
}
