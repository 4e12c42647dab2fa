package io.ttastream.asr.audio;

import java.io.IOException;

/** Audio bytes we cannot decode: not a WAV file, an unsupported encoding, or a truncated file. */
public class AudioFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    public AudioFormatException(String message) {
        super(message);
    }
}
