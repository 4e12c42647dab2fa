package io.ttastream.app.stream;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.nio.charset.StandardCharsets;

/**
 * The checks every record of {@link Topics#AUDIO_FRAMES} passes or fails, whichever engine runs them: the key
 * names a stream, the headers of {@link FrameHeaders} parse, the format is one the recogniser takes, the audio
 * is a whole number of samples, and the sequence number is above the stream's last accepted one (a frame seen
 * twice, from a producer retry or input replayed after a crash, must not be appended to an utterance twice).
 *
 * <p>The engine keeps each stream's last accepted sequence number and advances it on every accepted frame only.
 */
public final class FrameRules {

    private final Config config;

    public FrameRules(Config config) {
        this.config = config;
    }

    /**
     * Checks one record.
     *
     * @param key             the record key, the stream id (may be null: then rejected)
     * @param lastAcceptedSeq the stream's last accepted sequence number, or null before its first frame
     * @return the parsed {@link Frame}, or a {@link RejectedFrame} with the reason and the original value
     */
    public CheckedFrame check(String key, Headers headers, byte[] value, Long lastAcceptedSeq) {
        try {
            Frame frame = parse(key, headers, value);
            checkSequence(frame, lastAcceptedSeq);
            return frame;
        } catch (Rejection rejection) {
            return new RejectedFrame(rejection.reason, rejection.getMessage(), value);
        }
    }

    private Frame parse(String stream, Headers headers, byte[] pcm) throws Rejection {
        if (stream == null || stream.isEmpty() || stream.indexOf('\0') >= 0) {
            // The key names the stream; the Kafka Streams assembler also uses NUL to separate it from the sequence number.
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

    private static void checkSequence(Frame frame, Long last) throws Rejection {
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
