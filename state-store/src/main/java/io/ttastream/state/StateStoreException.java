package io.ttastream.state;

/** An I/O failure of the underlying RocksDB store (not a corrupt snapshot: see {@link CorruptSnapshotException}). */
public final class StateStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A failure described by {@code message}, caused by {@code cause}. */
    public StateStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
