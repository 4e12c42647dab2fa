package io.ttastream.app.stream;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Checks every frame of {@link Topics#AUDIO_FRAMES} by the {@link FrameRules} and forwards a {@link Frame} or a
 * {@link RejectedFrame} (its record then carries the dead-letter headers).
 *
 * <p>The last accepted sequence number of each stream lives in the store {@link #SEQUENCE_STORE}; only accepted
 * frames advance it.
 */
final class FrameValidator implements Processor<String, byte[], String, CheckedFrame> {

    /** Stream id to the last accepted sequence number. */
    static final String SEQUENCE_STORE = "frame-sequence";

    private final FrameRules rules;
    private ProcessorContext<String, CheckedFrame> context;
    private KeyValueStore<String, Long> lastSeq;

    FrameValidator(Config config) {
        this.rules = new FrameRules(config);
    }

    @Override
    public void init(ProcessorContext<String, CheckedFrame> context) {
        this.context = context;
        this.lastSeq = context.getStateStore(SEQUENCE_STORE);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        Long last = record.key() == null ? null : lastSeq.get(record.key());
        CheckedFrame checked = rules.check(record.key(), record.headers(), record.value(), last);
        if (checked instanceof Frame frame) {
            lastSeq.put(frame.stream(), frame.seq());
            context.forward(record.withValue(checked));
        } else if (checked instanceof RejectedFrame rejected) {
            context.forward(record.withValue(checked).withHeaders(rejected.deadLetterHeaders(record.headers())));
        }
    }
}
