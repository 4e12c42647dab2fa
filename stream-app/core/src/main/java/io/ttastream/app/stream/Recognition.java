package io.ttastream.app.stream;

/** What became of one utterance at the recogniser: a {@link Transcript}, or a {@link FailedUtterance}. */
public sealed interface Recognition permits Transcript, FailedUtterance {

    Utterance utterance();

    /**
     * Runs the recogniser on the utterance read at {@code inputOffset} of {@code inputPartition}, timing it;
     * {@code closedAtMillis} is the timestamp of the record that closed the utterance. An exception from the
     * recogniser becomes a {@link FailedUtterance}.
     */
    static Recognition of(Recognizer recognizer, Utterance utterance, String inputPartition, long inputOffset,
                          long closedAtMillis) {
        long start = System.nanoTime();
        try {
            Recognizer.Result result = recognizer.recognize(utterance, inputPartition, inputOffset);
            return new Transcript(utterance, result, (System.nanoTime() - start) / 1e6,
                    System.currentTimeMillis() - closedAtMillis);
        } catch (RuntimeException e) {
            return FailedUtterance.caught(utterance, e);
        }
    }
}
