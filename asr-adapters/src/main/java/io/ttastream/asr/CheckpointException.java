package io.ttastream.asr;

import java.io.IOException;

/**
 * A checkpoint that cannot be used: a missing file, an unsupported architecture or dtype, a
 * missing tensor or one of the wrong shape. The message names the file or tensor at fault.
 */
public class CheckpointException extends IOException {

    private static final long serialVersionUID = 1L;

    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
