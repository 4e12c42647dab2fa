package io.ttastream.app;

import io.ttastream.app.stream.FrameHeaders;
import io.ttastream.app.stream.Topics;
import io.ttastream.asr.audio.Pcm16;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * Writes utterances to audio.frames the way the service expects them: PCM16LE frames keyed by
 * stream id, with sequence number, rate, channels, end-of-utterance flag, utterance id and scope
 * headers. Idempotent, so a retried send never duplicates a frame.
 */
final class FrameProducer implements AutoCloseable {
    private final KafkaProducer<String, byte[]> producer;
    private final String stream;
    private final String scope;
    private final int frameSamples;
    private long sequence;

    FrameProducer(String bootstrap, String stream, String scope, double frameSeconds) {
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), new StringSerializer(), new ByteArraySerializer());
        this.stream = stream;
        this.scope = scope;
        this.frameSamples = (int) Math.round(frameSeconds * 16000);
    }

    /** Sends one 16 kHz mono utterance; with {@code realTime}, paced as a live microphone would be. */
    void send(String utteranceId, float[] audio, boolean realTime) throws InterruptedException {
        long started = System.nanoTime();
        for (int start = 0; start < audio.length; start += frameSamples) {
            float[] frame = Arrays.copyOfRange(audio, start, Math.min(audio.length, start + frameSamples));
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topics.AUDIO_FRAMES, stream, Pcm16.encode(frame));
            header(record, FrameHeaders.SEQ, Long.toString(sequence++));
            header(record, FrameHeaders.SAMPLE_RATE, "16000");
            header(record, FrameHeaders.CHANNELS, "1");
            header(record, FrameHeaders.END_OF_UTTERANCE, Boolean.toString(start + frameSamples >= audio.length));
            header(record, FrameHeaders.UTTERANCE_ID, utteranceId);
            if (scope != null) {
                header(record, FrameHeaders.SCOPE, scope);
            }
            producer.send(record);
            if (realTime) {
                long due = started + (long) ((start + frame.length) / 16000.0 * 1e9);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
        }
        producer.flush();
    }

    private static void header(ProducerRecord<String, byte[]> record, String name, String value) {
        record.headers().add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        producer.close();
    }
}
