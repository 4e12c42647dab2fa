package io.ttastream.asr;

import java.io.IOException;

/** A checkpoint that cannot be used: missing file, unknown architecture, wrong tensor shape, bad format. */
public class CheckpointException extends IOException {
    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
