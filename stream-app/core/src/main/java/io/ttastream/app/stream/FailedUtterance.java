package io.ttastream.app.stream;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * An utterance the recogniser threw on (audio it cannot take, a bug). It goes to {@link Topics#UTTERANCES_DLQ}
 * as one frame in the {@link FrameHeaders} format that holds the whole utterance and ends it, so that it can be
 * inspected, or produced again onto {@link Topics#AUDIO_FRAMES} once the cause is fixed.
 *
 * @param error what went wrong, in words (the exception's class and message)
 */
public record FailedUtterance(Utterance utterance, String error) implements Recognition {

    /** The {@link FrameHeaders#REASON} of every record on {@link Topics#UTTERANCES_DLQ}. */
    public static final String REASON = "recognition_failed";

    /**
     * The dead letter for an exception the recogniser threw on the utterance, logged with its stack trace: one
     * utterance the recogniser cannot take must not stop the stream (left uncaught, the exception would fail the
     * task, and the restarted task would meet the same utterance again).
     */
    public static FailedUtterance caught(Utterance utterance, RuntimeException e) {
        Logger.getLogger(FailedUtterance.class.getName()).log(Level.SEVERE, "recognition failed for utterance "
                + utterance.id() + " of stream " + utterance.stream() + "; sent to " + Topics.UTTERANCES_DLQ, e);
        return new FailedUtterance(utterance, e.getClass().getSimpleName() + ": " + e.getMessage());
    }

    /** The dead-letter record's value: the utterance's mono PCM16LE audio. */
    public byte[] value() {
        return utterance.pcm();
    }

    /** The dead-letter record's headers: those of one mono end-of-utterance frame, plus reason and error. */
    public Headers deadLetterHeaders() {
        Headers headers = new RecordHeaders();
        header(headers, FrameHeaders.SEQ, Long.toString(utterance.firstSeq()));
        header(headers, FrameHeaders.SAMPLE_RATE, Integer.toString(utterance.sampleRate()));
        header(headers, FrameHeaders.CHANNELS, "1");
        header(headers, FrameHeaders.END_OF_UTTERANCE, "true");
        header(headers, FrameHeaders.UTTERANCE_ID, utterance.id());
        header(headers, FrameHeaders.SCOPE, utterance.scope());
        header(headers, FrameHeaders.REASON, REASON);
        header(headers, FrameHeaders.ERROR, error);
        return headers;
    }

    private static void header(Headers headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
