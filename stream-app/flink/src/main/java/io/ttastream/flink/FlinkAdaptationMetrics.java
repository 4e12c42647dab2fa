package io.ttastream.flink;

import io.ttastream.app.stream.AdaptationMetrics;
import io.ttastream.app.stream.ResetReason;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

import java.util.EnumMap;
import java.util.Map;

/**
 * The adaptation operator's metrics in Flink's metric system, in its group {@code tta}: what the service exports
 * as its {@code tta_*} series (utterances, audio, adaptation and end-to-end latency, real-time factor, entropy,
 * drift, weight version, slow updates, resets by reason), for example
 * {@code flink_taskmanager_job_task_operator_tta_reason_resets{reason="domain_shift",...}} with the Prometheus reporter.
 *
 * <p>Not by scope: a metric group per key would grow with every scope the job ever sees; the per-scope view is
 * the {@code tta.events} topic. Flink counters count whole numbers, so times and audio are in milliseconds.
 */
final class FlinkAdaptationMetrics implements AdaptationMetrics {
    /** Samples each histogram keeps for its quantiles. */
    private static final int HISTOGRAM_WINDOW = 500;

    private final Counter utterances;
    private final Counter utterancesFailed;
    private final Counter audioMs;
    private final Histogram adaptationMs;
    private final Histogram endToEndMs;
    private final Counter slowUpdates;
    private final Map<ResetReason, Counter> resets = new EnumMap<>(ResetReason.class);
    private volatile double realTimeFactor = Double.NaN;
    private volatile double entropyBefore = Double.NaN;
    private volatile double entropyAfter = Double.NaN;
    private volatile double drift = Double.NaN;
    private volatile long weightVersion;

    FlinkAdaptationMetrics(MetricGroup operatorGroup) {
        MetricGroup group = operatorGroup.addGroup("tta");
        utterances = group.counter("utterances");
        utterancesFailed = group.counter("utterances_failed");
        audioMs = group.counter("audio_ms");
        adaptationMs = group.histogram("adaptation_ms", new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
        endToEndMs = group.histogram("end_to_end_latency_ms", new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
        group.gauge("real_time_factor", () -> realTimeFactor);
        group.gauge("entropy_before", () -> entropyBefore);
        group.gauge("entropy_after", () -> entropyAfter);
        group.gauge("drift_statistic", () -> drift);
        group.gauge("weight_version", () -> weightVersion);
        slowUpdates = group.counter("slow_updates");
        for (ResetReason reason : ResetReason.values()) {
            resets.put(reason, group.addGroup("reason", reason.label()).counter("resets"));
        }
    }

    @Override
    public void utteranceFailed(String scope) {
        utterancesFailed.inc();
    }

    @Override
    public void utteranceTranscribed(String scope, double audioSeconds, double adaptationSeconds,
                                     double endToEndSeconds, double entropyBefore, double entropyAfter) {
        utterances.inc();
        audioMs.inc(Math.round(audioSeconds * 1000));
        adaptationMs.update(Math.round(adaptationSeconds * 1000));
        if (Double.isFinite(endToEndSeconds)) {
            endToEndMs.update(Math.round(endToEndSeconds * 1000));
        }
        if (audioSeconds > 0) {
            realTimeFactor = adaptationSeconds / audioSeconds;
        }
        this.entropyBefore = entropyBefore;
        this.entropyAfter = entropyAfter;
    }

    @Override
    public void slowUpdate(String scope) {
        slowUpdates.inc();
    }

    @Override
    public void weightVersion(String scope, long version) {
        weightVersion = version;
    }

    @Override
    public void driftStatistic(String scope, double z) {
        drift = z;
    }

    @Override
    public void reset(String scope, ResetReason reason, double statistic) {
        resets.get(reason).inc();
    }
}
