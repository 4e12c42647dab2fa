package io.ttastream.flink;

import io.ttastream.app.stream.RejectReason;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

import java.util.EnumMap;
import java.util.Map;

/**
 * The frame operator's metrics in Flink's metric system, in its group {@code tta}: frames accepted, frames rejected
 * by reason, utterances assembled (the service's {@code tta_frames_*} series). With the Prometheus reporter
 * ({@code tta flink --metrics-port}) the rejections show up as
 * {@code flink_taskmanager_job_task_operator_tta_reason_frames_rejected{reason="...",subtask_index="0",...}}
 * (a key-value group puts its key into the name).
 */
final class FrameMetrics {
    private final Counter accepted;
    private final Map<RejectReason, Counter> rejected = new EnumMap<>(RejectReason.class);
    private final Counter utterances;

    FrameMetrics(MetricGroup operatorGroup) {
        MetricGroup group = operatorGroup.addGroup("tta");
        accepted = group.counter("frames_accepted");
        // Every reason from the start, so that "no rejections" is a 0, not a missing series.
        for (RejectReason reason : RejectReason.values()) {
            rejected.put(reason, group.addGroup("reason", reason.code()).counter("frames_rejected"));
        }
        utterances = group.counter("utterances_assembled");
    }

    void accepted() {
        accepted.inc();
    }

    void rejected(RejectReason reason) {
        rejected.get(reason).inc();
    }

    void utteranceAssembled() {
        utterances.inc();
    }
}
