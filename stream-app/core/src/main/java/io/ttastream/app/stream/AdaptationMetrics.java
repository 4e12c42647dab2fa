package io.ttastream.app.stream;

import java.util.List;

/**
 * What both engines record about adaptation, each in its own metric system: the service in its Prometheus
 * registry ({@code TtaMetrics}), the Flink job in Flink's metric groups.
 */
public interface AdaptationMetrics {

    /**
     * An utterance was transcribed.
     *
     * @param audioSeconds      its duration
     * @param adaptationSeconds how long the recogniser (adaptation and decoding) took
     * @param endToEndSeconds   from its last frame's Kafka timestamp to now; NaN if unknown (not recorded)
     * @param entropyBefore     mean per-frame entropy before adaptation, in nats; NaN if not measured (not recorded)
     * @param entropyAfter      the same after adaptation
     */
    void utteranceTranscribed(String scope, double audioSeconds, double adaptationSeconds, double endToEndSeconds,
                              double entropyBefore, double entropyAfter);

    /** The recogniser failed on an utterance of the scope; it went to {@link Topics#UTTERANCES_DLQ}. */
    void utteranceFailed(String scope);

    /** The scope's slow weights took an optimizer step. */
    void slowUpdate(String scope);

    /** The scope now transcribes with weights of this version. */
    void weightVersion(String scope, long version);

    /** The drift detector computed a new statistic {@code z} for the scope. */
    void driftStatistic(String scope, double z);

    /** The scope's adapted weights were reset; {@code statistic} is what triggered it (NaN if nothing measured). */
    void reset(String scope, ResetReason reason, double statistic);

    /** Records what a strategy reported with one utterance: slow updates (with the new version), drift, resets. */
    default void events(String scope, List<Recognizer.Event> events) {
        for (Recognizer.Event event : events) {
            Object statistic = event.details().get("statistic");
            double value = statistic instanceof Number n ? n.doubleValue() : Double.NaN;
            switch (event.type()) {
                case "slow_update" -> {
                    slowUpdate(scope);
                    weightVersion(scope, (long) value);
                }
                case "drift" -> driftStatistic(scope, value);
                case "reset" -> reset(scope, ResetReason.fromDescription(String.valueOf(event.details().get("reason"))), value);
                default -> {
                }
            }
        }
    }
}
