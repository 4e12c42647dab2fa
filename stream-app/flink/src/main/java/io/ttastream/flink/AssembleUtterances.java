package io.ttastream.flink;

import io.ttastream.app.stream.CheckedFrame;
import io.ttastream.app.stream.Config;
import io.ttastream.app.stream.Frame;
import io.ttastream.app.stream.FrameRules;
import io.ttastream.app.stream.OpenUtterance;
import io.ttastream.app.stream.RejectedFrame;
import io.ttastream.app.stream.Utterance;
import io.ttastream.app.stream.UtteranceAssembly;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.apache.kafka.common.serialization.Serde;

import java.io.ByteArrayOutputStream;

/**
 * Validates each stream's frames by the {@link FrameRules} and assembles the accepted ones into utterances by the
 * {@link UtteranceAssembly}, keyed by stream, with all state in Flink keyed state: the last accepted sequence
 * number, the open utterance (in its shared binary form) and its audio, one list entry per frame, and the last
 * closed utterance (for the ids of later parts). Rejected frames
 * go to the side output {@link #DEAD_LETTERS} with the dead-letter headers. A processing-time timer, one per open
 * utterance, closes it after the idle timeout.
 */
final class AssembleUtterances extends KeyedProcessFunction<String, KafkaFrame, Utterance> {

    private static final long serialVersionUID = 1L;

    /** Frames that failed validation, with the {@code reason} and {@code error} headers added. */
    static final OutputTag<KafkaFrame> DEAD_LETTERS = new OutputTag<>("dead-letters", TypeInformation.of(KafkaFrame.class));

    private static final Serde<OpenUtterance> OPEN_CODEC = OpenUtterance.serde();
    private static final TypeInformation<byte[]> BYTES = PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO;

    private final Config config;
    private transient FrameRules rules;
    private transient UtteranceAssembly assembly;
    private transient ValueState<Long> lastSeq;
    private transient ValueState<byte[]> open;
    private transient ListState<byte[]> audio;
    private transient ValueState<byte[]> lastClosed;
    private transient FrameMetrics metrics;

    AssembleUtterances(Config config) {
        this.config = config;
    }

    /** The key records are partitioned by: the stream id, with a missing key as "" (the rules reject both). */
    static String streamOf(KafkaFrame frame) {
        return frame.key() == null ? "" : frame.key();
    }

    @Override
    public void open(OpenContext context) {
        rules = new FrameRules(config);
        assembly = new UtteranceAssembly(config);
        lastSeq = getRuntimeContext().getState(new ValueStateDescriptor<>("last-accepted-seq", Types.LONG));
        open = getRuntimeContext().getState(new ValueStateDescriptor<>("open-utterance", BYTES));
        audio = getRuntimeContext().getListState(new ListStateDescriptor<>("utterance-audio", BYTES));
        lastClosed = getRuntimeContext().getState(new ValueStateDescriptor<>("last-closed-utterance", BYTES));
        metrics = new FrameMetrics(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(KafkaFrame record, Context context, Collector<Utterance> out) throws Exception {
        CheckedFrame checked = rules.check(record.key(), record.headers(), record.value(), lastSeq.value());
        if (checked instanceof RejectedFrame rejected) {
            context.output(DEAD_LETTERS, record.withHeaders(rejected.deadLetterHeaders(record.headers())));
            metrics.rejected(rejected.reason());
            return;
        }
        Frame frame = (Frame) checked;
        lastSeq.update(frame.seq());
        metrics.accepted();

        TimerService timers = context.timerService();
        long now = timers.currentProcessingTime();
        KeyedState state = new KeyedState();
        OpenUtterance before = state.open();
        if (before != null) {
            timers.deleteProcessingTimeTimer(idleDeadline(before));
        }
        assembly.accept(frame, now, record.timestamp(), state, (utterance, timestamp) -> emit(utterance, out));
        OpenUtterance after = state.open();
        if (after != null) {
            timers.registerProcessingTimeTimer(idleDeadline(after));
        }
    }

    @Override
    public void onTimer(long time, OnTimerContext context, Collector<Utterance> out) throws Exception {
        assembly.closeIfIdle(context.getCurrentKey(), time, new KeyedState(), (utterance, timestamp) -> emit(utterance, out));
    }

    private void emit(Utterance utterance, Collector<Utterance> out) {
        out.collect(utterance);
        metrics.utteranceAssembled();
    }

    private long idleDeadline(OpenUtterance utterance) {
        return utterance.lastFrameWallMs() + config.idleTimeout().toMillis();
    }

    /** The current key's assembly state, over Flink keyed state. */
    private final class KeyedState implements UtteranceAssembly.StreamState {

        @Override
        public OpenUtterance open() {
            return readUtterance(open);
        }

        @Override
        public void putOpen(OpenUtterance utterance) {
            writeUtterance(open, utterance);
        }

        @Override
        public OpenUtterance lastClosed() {
            return readUtterance(lastClosed);
        }

        @Override
        public void putLastClosed(OpenUtterance utterance) {
            writeUtterance(lastClosed, utterance);
        }

        private static OpenUtterance readUtterance(ValueState<byte[]> state) {
            byte[] bytes = read(state::value);
            return bytes == null ? null : OPEN_CODEC.deserializer().deserialize(null, bytes);
        }

        private static void writeUtterance(ValueState<byte[]> state, OpenUtterance utterance) {
            write(() -> state.update(OPEN_CODEC.serializer().serialize(null, utterance)));
        }

        @Override
        public void appendAudio(long seq, byte[] monoPcm) {
            // Frames arrive in sequence order (the rules reject any other), so the list is in sequence order too.
            write(() -> audio.add(monoPcm));
        }

        @Override
        public byte[] takeAudioAndClear() {
            ByteArrayOutputStream pcm = new ByteArrayOutputStream();
            read(audio::get).forEach(pcm::writeBytes);
            audio.clear();
            open.clear();
            return pcm.toByteArray();
        }
    }

    /** Flink's state accessors declare Exception; a failure there fails the task, and Flink restarts it. */
    private interface StateRead<T> {
        T read() throws Exception;
    }

    private interface StateWrite {
        void write() throws Exception;
    }

    private static <T> T read(StateRead<T> read) {
        try {
            return read.read();
        } catch (Exception e) {
            throw new IllegalStateException("reading keyed state failed", e);
        }
    }

    private static void write(StateWrite write) {
        try {
            write.write();
        } catch (Exception e) {
            throw new IllegalStateException("writing keyed state failed", e);
        }
    }
}
