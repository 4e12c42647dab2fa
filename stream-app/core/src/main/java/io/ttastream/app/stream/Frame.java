package io.ttastream.app.stream;

/**
 * A speech frame that passed validation, its headers parsed.
 *
 * @param utteranceId the producer's utterance id, or null when the header is absent
 * @param scope       the adaptation scope header, or null when absent
 * @param pcm         interleaved PCM16LE samples, a whole number of sample frames, never empty
 */
public record Frame(String stream, long seq, int sampleRate, int channels, boolean endOfUtterance,
             String utteranceId, String scope, byte[] pcm) implements CheckedFrame {
}
