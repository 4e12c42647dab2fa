package io.ttastream.app.stream;

import io.ttastream.asr.audio.Pcm16;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
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
 * Assembles each stream's frames into utterances and forwards every finished {@link Utterance}, keyed by stream.
 *
 * <p>A frame first closes the open utterance if it does not continue it ({@link ClosingReason#INTERRUPTED}) or
 * would make it longer than the maximum ({@link ClosingReason#MAX_LENGTH}, the frame then opens the next part);
 * it is appended; then the end-of-utterance flag or energy endpointing may close the utterance. A wall-clock
 * punctuator closes utterances that got no frame for the idle timeout.
 *
 * <p>Both stores are persistent and changelogged: a partial utterance survives a restart. Under exactly-once
 * their updates commit atomically with the input offsets and the emitted utterances, so a restarted task resumes
 * exactly where the last commit left it; {@link FrameValidator}'s sequence check covers at-least-once replays.
 */
final class UtteranceAssembler implements Processor<String, Frame, String, Utterance> {

    /** Stream id to its {@link OpenUtterance}. */
    static final String OPEN_STORE = "utterance-open";

    /** {@code <stream> NUL <seq, 19 digits>} to that frame's mono PCM16LE; the padding keeps a prefix scan in seq order. */
    static final String AUDIO_STORE = "utterance-audio";

    private final Config config;
    private ProcessorContext<String, Utterance> context;
    private KeyValueStore<String, OpenUtterance> open;
    private KeyValueStore<String, byte[]> audio;

    UtteranceAssembler(Config config) {
        this.config = config;
    }

    @Override
    public void init(ProcessorContext<String, Utterance> context) {
        this.context = context;
        this.open = context.getStateStore(OPEN_STORE);
        this.audio = context.getStateStore(AUDIO_STORE);
        context.schedule(config.idleCheckInterval(), PunctuationType.WALL_CLOCK_TIME, this::closeIdle);
    }

    @Override
    public void process(Record<String, Frame> record) {
        String stream = record.key();
        Frame frame = record.value();
        float[] mono = Pcm16.decode(frame.pcm(), frame.channels());

        OpenUtterance utterance = open.get(stream);
        if (utterance != null && !utterance.isContinuedBy(frame)) {
            close(stream, utterance, ClosingReason.INTERRUPTED);
            utterance = null;
        }
        if (utterance != null && utterance.sampleCount() + mono.length > Config.samplesIn(config.maxUtterance(), utterance.sampleRate())) {
            close(stream, utterance, ClosingReason.MAX_LENGTH);
            utterance = OpenUtterance.startingWith(frame, utterance.part() + 1);
        }
        if (utterance == null) {
            utterance = OpenUtterance.startingWith(frame, 0);
        }

        audio.put(audioKey(stream, frame.seq()), Pcm16.encode(mono));
        utterance = utterance.append(frame, mono.length, isSpeech(mono), context.currentSystemTimeMs(), record.timestamp());

        if (frame.endOfUtterance()) {
            close(stream, utterance, ClosingReason.END_OF_UTTERANCE);
        } else if (endpointed(utterance)) {
            close(stream, utterance, ClosingReason.SILENCE);
        } else {
            open.put(stream, utterance);
        }
    }

    /** Speech was heard and has been followed by at least the configured silence (never, if endpointing is off). */
    private boolean endpointed(OpenUtterance utterance) {
        return !config.endpointSilence().isZero() && utterance.heardSpeech()
                && utterance.trailingSilenceSamples() >= Config.samplesIn(config.endpointSilence(), utterance.sampleRate());
    }

    /** Whether the frame's RMS level reaches the speech threshold. */
    private boolean isSpeech(float[] samples) {
        double sumOfSquares = 0;
        for (float s : samples) {
            sumOfSquares += s * s;
        }
        double rms = Math.sqrt(sumOfSquares / samples.length);
        return 20 * Math.log10(rms) >= config.speechThresholdDbfs();
    }

    private void closeIdle(long nowMs) {
        List<KeyValue<String, OpenUtterance>> idle = new ArrayList<>();
        try (KeyValueIterator<String, OpenUtterance> all = open.all()) {
            all.forEachRemaining(entry -> {
                if (nowMs - entry.value.lastFrameWallMs() >= config.idleTimeout().toMillis()) {
                    idle.add(entry);
                }
            });
        }
        // Closed after the scan: closing deletes from the store being iterated.
        idle.forEach(entry -> close(entry.key, entry.value, ClosingReason.IDLE_TIMEOUT));
    }

    /** Gathers the utterance's audio in sequence order, deletes its state and forwards it. */
    private void close(String stream, OpenUtterance utterance, ClosingReason reason) {
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
        context.forward(new Record<>(stream, utterance.toUtterance(stream, pcm.toByteArray(), reason), utterance.lastTimestamp()));
    }

    private static String audioKey(String stream, long seq) {
        return stream + '\0' + String.format("%019d", seq);
    }
}
