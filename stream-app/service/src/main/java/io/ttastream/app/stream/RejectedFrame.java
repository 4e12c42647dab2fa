package io.ttastream.app.stream;

/**
 * A frame that failed validation: why (for metrics by reason) and its original value, possibly null, for the
 * dead-letter topic. The record that carries it also carries the {@code reason} and {@code error} headers.
 */
record RejectedFrame(RejectReason reason, byte[] value) implements CheckedFrame {
}
