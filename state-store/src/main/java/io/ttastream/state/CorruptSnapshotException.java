package io.ttastream.state;

/** Thrown when stored or transferred snapshot bytes fail verification (magic, length, checksum, structure). */
public final class CorruptSnapshotException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A corruption described by {@code message}. */
    public CorruptSnapshotException(String message) {
        super(message);
    }

    /** A corruption described by {@code message}, detected through {@code cause}. */
    public CorruptSnapshotException(String message, Throwable cause) {
        super(message, cause);
    }
}
