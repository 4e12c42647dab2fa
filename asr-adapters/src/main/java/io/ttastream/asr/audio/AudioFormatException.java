package io.ttastream.asr.audio;

import java.io.IOException;

/** Audio this front end cannot decode, with the reason. */
public class AudioFormatException extends IOException {
    public AudioFormatException(String message) {
        super(message);
    }
}
