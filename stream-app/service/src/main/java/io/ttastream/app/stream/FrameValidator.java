package io.ttastream.app.stream;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import java.nio.charset.StandardCharsets;

/**
 * Checks every frame of {@link Topics#AUDIO_FRAMES} and forwards a {@link Frame} or a {@link RejectedFrame}.
 *
 * <p>The last accepted sequence number of each stream lives in the store {@link #SEQUENCE_STORE}, so that a
 * frame seen twice (a producer retry, or input replayed after a crash under at-least-once) is rejected
 * instead of being appended to an utterance twice. Only accepted frames advance it.
 */
final class FrameValidator implements Processor<String, byte[], String, CheckedFrame> {

    /** Stream id to the last accepted sequence number. */
    static final String SEQUENCE_STORE = "frame-sequence";

    private final Config config;
    private ProcessorContext<String, CheckedFrame> context;
    private KeyValueStore<String, Long> lastSeq;

    FrameValidator(Config config) {
        this.config = config;
    }

    @Override
    public void init(ProcessorContext<String, CheckedFrame> context) {
        this.context = context;
        this.lastSeq = context.getStateStore(SEQUENCE_STORE);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        try {
            Frame frame = parse(record.key(), record.headers(), record.value());
            checkSequence(frame);
            lastSeq.put(frame.stream(), frame.seq());
            context.forward(record.withValue(frame));
        } catch (Rejection rejection) {
            // A copy: the dead-letter record keeps every original header and adds why it was rejected.
            Headers headers = new RecordHeaders(record.headers().toArray())
                    .add(FrameHeaders.REASON, rejection.reason.code().getBytes(StandardCharsets.UTF_8))
                    .add(FrameHeaders.ERROR, rejection.getMessage().getBytes(StandardCharsets.UTF_8));
            context.forward(record.withValue(new RejectedFrame(rejection.reason, record.value()))
                    .withHeaders(headers));
        }
    }

    private Frame parse(String stream, Headers headers, byte[] pcm) throws Rejection {
        if (stream == null || stream.isEmpty() || stream.indexOf('\0') >= 0) {
            // The key names the stream; the assembler also uses NUL to separate it from the sequence number.
            throw new Rejection(RejectReason.BAD_KEY, "the record key (the stream id) must be a non-empty string without NUL");
        }
        long seq = parseLong(headers, FrameHeaders.SEQ);
        if (seq < 0) {
            throw new Rejection(RejectReason.BAD_HEADER, "header " + FrameHeaders.SEQ + " must not be negative, got " + seq);
        }
        int sampleRate = parseInt(headers, FrameHeaders.SAMPLE_RATE);
        int channels = parseInt(headers, FrameHeaders.CHANNELS);
        boolean endOfUtterance = parseBoolean(headers, FrameHeaders.END_OF_UTTERANCE);
        String utteranceId = optional(headers, FrameHeaders.UTTERANCE_ID);
        String scope = optional(headers, FrameHeaders.SCOPE);

        if (!config.acceptedSampleRates().contains(sampleRate)) {
            throw new Rejection(RejectReason.UNSUPPORTED_SAMPLE_RATE, "sample rate " + sampleRate
                    + " Hz is not accepted; expected one of " + config.acceptedSampleRates() + " Hz");
        }
        if (channels != 1 && channels != 2) {
            throw new Rejection(RejectReason.UNSUPPORTED_CHANNELS, "channel count " + channels + " is not accepted; expected 1 or 2");
        }
        if (pcm == null || pcm.length == 0) {
            throw new Rejection(RejectReason.EMPTY_FRAME, "the frame has no audio bytes");
        }
        if (pcm.length > config.maxFrameBytes()) {
            throw new Rejection(RejectReason.OVERSIZE_FRAME, "the frame has " + pcm.length
                    + " bytes; at most " + config.maxFrameBytes() + " are accepted");
        }
        int sampleFrameBytes = 2 * channels;
        if (pcm.length % sampleFrameBytes != 0) {
            throw new Rejection(RejectReason.INCOMPLETE_SAMPLE, pcm.length + " bytes are not a whole number of "
                    + channels + "-channel PCM16 samples (" + sampleFrameBytes + " bytes each)");
        }
        return new Frame(stream, seq, sampleRate, channels, endOfUtterance, utteranceId, scope, pcm);
    }

    private void checkSequence(Frame frame) throws Rejection {
        Long last = lastSeq.get(frame.stream());
        if (last == null || frame.seq() > last) {
            return;
        }
        RejectReason reason = frame.seq() == last ? RejectReason.DUPLICATE_SEQUENCE : RejectReason.OUT_OF_ORDER_SEQUENCE;
        throw new Rejection(reason, "sequence number " + frame.seq() + " is not above the stream's last accepted " + last);
    }

    private static long parseLong(Headers headers, String name) throws Rejection {
        String text = required(headers, name);
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new Rejection(RejectReason.BAD_HEADER, "header " + name + " is not a decimal integer: '" + text + "'");
        }
    }

    private static int parseInt(Headers headers, String name) throws Rejection {
        long value = parseLong(headers, name);
        if (value != (int) value) {
            throw new Rejection(RejectReason.BAD_HEADER, "header " + name + " is out of the int range: " + value);
        }
        return (int) value;
    }

    private static boolean parseBoolean(Headers headers, String name) throws Rejection {
        String text = required(headers, name);
        return switch (text) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new Rejection(RejectReason.BAD_HEADER, "header " + name + " must be true or false, got '" + text + "'");
        };
    }

    private static String required(Headers headers, String name) throws Rejection {
        String text = optional(headers, name);
        if (text == null) {
            throw new Rejection(RejectReason.MISSING_HEADER, "header " + name + " is missing");
        }
        return text;
    }

    /** The last header of that name as text, or null when absent or empty. */
    private static String optional(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        if (header == null || header.value() == null || header.value().length == 0) {
            return null;
        }
        return new String(header.value(), StandardCharsets.UTF_8);
    }

    /** A failed check; thrown inside this class only, to keep the checks linear. */
    private static final class Rejection extends Exception {
        private static final long serialVersionUID = 1L;
        final RejectReason reason;

        Rejection(RejectReason reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }
    }
}
