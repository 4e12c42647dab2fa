package io.ttastream.app.metrics;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Gauge;
import io.prometheus.client.Histogram;
import io.prometheus.client.Summary;
import io.prometheus.client.exporter.HTTPServer;
import io.prometheus.client.hotspot.DefaultExports;
import io.ttastream.adaptation.metrics.ErrorRate;
import io.ttastream.app.stream.AdaptationMetrics;
import io.ttastream.app.stream.RejectReason;
import io.ttastream.app.stream.ResetReason;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * The service's Prometheus metrics and the HTTP endpoint that exposes them at {@code /metrics}.
 *
 * <p>Names follow the Prometheus conventions: a {@code tta_} prefix, base units in the name ({@code _seconds},
 * {@code _nats}, {@code _ratio}), {@code _total} on counters. Labels: {@code stream} and {@code scope} come from the
 * data and are bounded (the first {@code maxLabelValues} distinct values keep their own series, later ones share
 * {@code _overflow}); {@code reason} is an enum; {@code strategy} is a strategy name from code; {@code stage} is
 * {@code before} or {@code after} adaptation.
 *
 * <p>The service creates one. Each instance has its own registry, so tests can run several side by side; the JVM's
 * own metrics (memory, GC, threads) are registered on it too. Every method is thread-safe.
 */
public final class TtaMetrics implements AutoCloseable, AdaptationMetrics {

    /** How many distinct stream ids and scopes get their own series before the rest share {@code _overflow}. */
    public static final int DEFAULT_MAX_LABEL_VALUES = 256;

    /** Latency buckets from 10 ms (a short utterance on a fast path) to a minute (a long one adapted on CPU). */
    private static final double[] LATENCY_BUCKETS_SECONDS = {0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60};

    private final CollectorRegistry registry = new CollectorRegistry();
    private final BoundedLabel streams;
    private final BoundedLabel scopes;

    private final Counter framesAccepted = Counter.build("tta_frames_accepted_total",
            "Speech frames that passed validation, by stream.").labelNames("stream").register(registry);
    private final Counter framesRejected = Counter.build("tta_frames_rejected_total",
            "Speech frames sent to the dead-letter topic, by reason.").labelNames("reason").register(registry);
    private final Counter utterances = Counter.build("tta_utterances_total",
            "Utterances transcribed, by adaptation scope.").labelNames("scope").register(registry);
    private final Counter utterancesFailed = Counter.build("tta_utterances_failed_total",
            "Utterances the recogniser failed on, sent to asr.utterances.dlq, by adaptation scope.")
            .labelNames("scope").register(registry);
    private final Counter audio = Counter.build("tta_audio_seconds_total",
            "Seconds of audio transcribed, by adaptation scope.").labelNames("scope").register(registry);
    private final Histogram adaptationLatency = Histogram.build("tta_adaptation_duration_seconds",
                    "Time the recogniser took to adapt to and transcribe one utterance.")
            .labelNames("scope").buckets(LATENCY_BUCKETS_SECONDS).register(registry);
    private final Histogram endToEndLatency = Histogram.build("tta_end_to_end_latency_seconds",
                    "Time from an utterance's last frame entering Kafka to its transcript being produced.")
            .labelNames("scope").buckets(LATENCY_BUCKETS_SECONDS).register(registry);
    private final Gauge realTimeFactor = Gauge.build("tta_real_time_factor_ratio",
            "Processing seconds per audio second of the scope's latest utterance (below 1 keeps up with speech).")
            .labelNames("scope").register(registry);
    private final Summary entropy = Summary.build("tta_prediction_entropy_nats",
                    "Mean per-frame entropy of the CTC output distribution, before and after adaptation.")
            .labelNames("scope", "stage").register(registry);
    private final Gauge drift = Gauge.build("tta_drift_statistic",
            "The drift detector's latest standardised statistic (z score) for the scope.")
            .labelNames("scope").register(registry);
    private final Counter resets = Counter.build("tta_resets_total",
            "Resets of a scope's adapted weights, by reason.").labelNames("scope", "reason").register(registry);
    private final Gauge resetStatistic = Gauge.build("tta_reset_statistic",
            "The statistic that triggered the scope's latest reset of this reason (NaN if it had none).")
            .labelNames("scope", "reason").register(registry);
    private final Counter slowUpdates = Counter.build("tta_slow_updates_total",
            "Optimizer steps on the scope's slow (kept) weights.").labelNames("scope").register(registry);
    private final Gauge weightVersion = Gauge.build("tta_weight_version",
            "Version of the scope's current adapted weights.").labelNames("scope").register(registry);
    private final Counter referenceWords = Counter.build("tta_reference_words_total",
            "Words in the references that arrived on asr.references, by scope and decoding strategy.")
            .labelNames("scope", "strategy").register(registry);
    private final Counter wordErrors = Counter.build("tta_word_errors_total",
            "Word edits (substitutions + deletions + insertions) of hypotheses against their references.")
            .labelNames("scope", "strategy").register(registry);
    private final Gauge onlineWer = Gauge.build("tta_online_wer_ratio",
            "Word error rate since start: all word errors over all reference words, by scope and strategy.")
            .labelNames("scope", "strategy").register(registry);

    private HTTPServer server;

    /** Metrics with {@link #DEFAULT_MAX_LABEL_VALUES} series per data-derived label. */
    public TtaMetrics() {
        this(DEFAULT_MAX_LABEL_VALUES);
    }

    /** Metrics with at most {@code maxLabelValues} distinct stream ids and scopes before {@code _overflow}. */
    public TtaMetrics(int maxLabelValues) {
        streams = new BoundedLabel(maxLabelValues);
        scopes = new BoundedLabel(maxLabelValues);
        DefaultExports.register(registry);
        // Every reason shows up as 0 from the start, so rate() and "no rejections" need no special case.
        for (RejectReason reason : RejectReason.values()) {
            framesRejected.labels(reason.code());
        }
    }

    /**
     * Serves {@code /metrics} on all interfaces (a container's Prometheus scrapes it from outside) on daemon threads.
     *
     * @param port the port, or 0 for any free one
     * @return the port it listens on
     */
    public synchronized int start(int port) throws IOException {
        if (server != null) {
            throw new IllegalStateException("already serving on port " + server.getPort());
        }
        server = new HTTPServer.Builder().withInetSocketAddress(new InetSocketAddress(port))
                .withRegistry(registry).withDaemonThreads(true).build();
        return server.getPort();
    }

    /** Stops the HTTP endpoint, if started. */
    @Override
    public synchronized void close() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    /** A frame of {@code stream} passed validation. */
    public void frameAccepted(String stream) {
        framesAccepted.labels(streams.of(stream)).inc();
    }

    /** A frame went to the dead-letter topic. */
    public void frameRejected(RejectReason reason) {
        framesRejected.labels(reason.code()).inc();
    }

    @Override
    public void utteranceFailed(String scope) {
        utterancesFailed.labels(scopes.of(scope)).inc();
    }

    @Override
    public void utteranceTranscribed(String scope, double audioSeconds, double adaptationSeconds,
                                     double endToEndSeconds, double entropyBefore, double entropyAfter) {
        // Checked before anything is counted, so a bad call leaves no half-recorded utterance behind.
        if (!isDuration(audioSeconds) || !isDuration(adaptationSeconds)) {
            throw new IllegalArgumentException("durations must be finite and non-negative: audio " + audioSeconds
                    + " s, adaptation " + adaptationSeconds + " s");
        }
        String label = scopes.of(scope);
        utterances.labels(label).inc();
        audio.labels(label).inc(audioSeconds);
        adaptationLatency.labels(label).observe(adaptationSeconds);
        if (Double.isFinite(endToEndSeconds)) {
            endToEndLatency.labels(label).observe(endToEndSeconds);
        }
        if (audioSeconds > 0) {
            realTimeFactor.labels(label).set(adaptationSeconds / audioSeconds);
        }
        if (Double.isFinite(entropyBefore)) {
            entropy.labels(label, "before").observe(entropyBefore);
        }
        if (Double.isFinite(entropyAfter)) {
            entropy.labels(label, "after").observe(entropyAfter);
        }
    }

    @Override
    public void slowUpdate(String scope) {
        slowUpdates.labels(scopes.of(scope)).inc();
    }

    @Override
    public void reset(String scope, ResetReason reason, double statistic) {
        String label = scopes.of(scope);
        resets.labels(label, reason.label()).inc();
        resetStatistic.labels(label, reason.label()).set(statistic);
    }

    @Override
    public void driftStatistic(String scope, double z) {
        drift.labels(scopes.of(scope)).set(z);
    }

    @Override
    public void weightVersion(String scope, long version) {
        weightVersion.labels(scopes.of(scope)).set(version);
    }

    /**
     * Scores a hypothesis against the reference that arrived for its utterance, adds it to the scope's and
     * strategy's running totals, and updates {@code tta_online_wer_ratio}. Texts are normalised as
     * {@link ErrorRate#normalize(String)} does.
     *
     * @param strategy the decoding that produced the hypothesis, for example the adapted strategy's name or
     *                 {@code source}
     * @return this utterance's word error rate
     */
    public double onlineWer(String scope, String strategy, String reference, String hypothesis) {
        ErrorRate.Edits edits = ErrorRate.wordEdits(reference, hypothesis);
        String label = scopes.of(scope);
        // Locked so the gauge is computed from a pair of totals no other thread is halfway through updating.
        synchronized (onlineWer) {
            Counter.Child words = referenceWords.labels(label, strategy);
            Counter.Child errors = wordErrors.labels(label, strategy);
            words.inc(edits.referenceLength());
            errors.inc(edits.total());
            if (words.get() > 0) {
                onlineWer.labels(label, strategy).set(errors.get() / words.get());
            }
        }
        return edits.rate();
    }

    private static boolean isDuration(double seconds) {
        return Double.isFinite(seconds) && seconds >= 0;
    }
}
