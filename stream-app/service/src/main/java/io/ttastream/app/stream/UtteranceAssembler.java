package io.ttastream.app.stream;

import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the {@link UtteranceAssembly} on Kafka Streams stores and forwards every finished {@link Utterance},
 * keyed by stream. A wall-clock punctuator closes utterances that got no frame for the idle timeout.
 *
 * <p>All three stores are persistent and changelogged: a partial utterance survives a restart. Under exactly-once
 * their updates commit atomically with the input offsets and the emitted utterances, so a restarted task resumes
 * exactly where the last commit left it; {@link FrameValidator}'s sequence check covers at-least-once replays.
 */
final class UtteranceAssembler implements Processor<String, Frame, String, Utterance> {

    /** Stream id to its {@link OpenUtterance}. */
    static final String OPEN_STORE = "utterance-open";

    /** Stream id to its most recently closed {@link OpenUtterance}, for the ids of later parts. */
    static final String LAST_CLOSED_STORE = "utterance-last-closed";

    /** {@code <stream> NUL <seq, 19 digits>} to that frame's mono PCM16LE; the padding keeps a prefix scan in seq order. */
    static final String AUDIO_STORE = "utterance-audio";

    private final UtteranceAssembly assembly;
    private final Config config;
    private ProcessorContext<String, Utterance> context;
    private KeyValueStore<String, OpenUtterance> open;
    private KeyValueStore<String, byte[]> audio;
    private KeyValueStore<String, OpenUtterance> lastClosed;

    UtteranceAssembler(Config config) {
        this.assembly = new UtteranceAssembly(config);
        this.config = config;
    }

    @Override
    public void init(ProcessorContext<String, Utterance> context) {
        this.context = context;
        this.open = context.getStateStore(OPEN_STORE);
        this.audio = context.getStateStore(AUDIO_STORE);
        this.lastClosed = context.getStateStore(LAST_CLOSED_STORE);
        context.schedule(config.idleCheckInterval(), PunctuationType.WALL_CLOCK_TIME, this::closeIdle);
    }

    @Override
    public void process(Record<String, Frame> record) {
        assembly.accept(record.value(), context.currentSystemTimeMs(), record.timestamp(),
                new StreamStores(record.key()), this::forward);
    }

    private void closeIdle(long nowMs) {
        List<String> streams = new ArrayList<>();
        try (KeyValueIterator<String, OpenUtterance> all = open.all()) {
            all.forEachRemaining(entry -> streams.add(entry.key));
        }
        // Closed after the scan: closing deletes from the store being iterated.
        streams.forEach(stream -> assembly.closeIfIdle(stream, nowMs, new StreamStores(stream), this::forward));
    }

    private void forward(Utterance utterance, long timestamp) {
        context.forward(new Record<>(utterance.stream(), utterance, timestamp));
    }

    /** One stream's view of the stores. */
    private final class StreamStores implements UtteranceAssembly.StreamState {
        private final String stream;

        StreamStores(String stream) {
            this.stream = stream;
        }

        @Override
        public OpenUtterance open() {
            return open.get(stream);
        }

        @Override
        public void putOpen(OpenUtterance utterance) {
            open.put(stream, utterance);
        }

        @Override
        public void appendAudio(long seq, byte[] monoPcm) {
            audio.put(stream + '\0' + String.format("%019d", seq), monoPcm);
        }

        @Override
        public byte[] takeAudioAndClear() {
            ByteArrayOutputStream pcm = new ByteArrayOutputStream();
            List<String> audioKeys = new ArrayList<>();
            try (KeyValueIterator<String, byte[]> frames = audio.prefixScan(stream + '\0', new StringSerializer())) {
                frames.forEachRemaining(entry -> {
                    pcm.writeBytes(entry.value);
                    audioKeys.add(entry.key);
                });
            }
            audioKeys.forEach(audio::delete);
            open.delete(stream);
            return pcm.toByteArray();
        }

        @Override
        public OpenUtterance lastClosed() {
            return lastClosed.get(stream);
        }

        @Override
        public void putLastClosed(OpenUtterance utterance) {
            lastClosed.put(stream, utterance);
        }
    }
}
