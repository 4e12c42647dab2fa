package io.ttastream.state;

/** Thrown when a snapshot belongs to another base model than the one the store is bound to. */
public final class ModelMismatchException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A snapshot of {@code snapshotModelId} offered to a store bound to {@code expectedModelId}. */
    public ModelMismatchException(String scope, String expectedModelId, String snapshotModelId) {
        super("snapshot of scope " + scope + " belongs to model " + snapshotModelId
                + ", but this store serves model " + expectedModelId);
    }
}
