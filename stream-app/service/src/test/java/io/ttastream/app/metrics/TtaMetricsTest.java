package io.ttastream.app.metrics;

import io.ttastream.app.stream.RejectReason;
import io.ttastream.app.stream.ResetReason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Drives every metric through the public API and reads it back the way Prometheus does: over HTTP. */
class TtaMetricsTest {

    private static final double EXACT = 1e-12;

    private TtaMetrics metrics;
    private int port;

    @BeforeEach
    void start() throws Exception {
        metrics = new TtaMetrics();
        port = metrics.start(0);
    }

    @AfterEach
    void stop() {
        metrics.close();
    }

    /** Two utterances in scope "tenant-a" and a bit of everything else, with values worked out by hand. */
    private void recordSomeTraffic() {
        metrics.frameAccepted("mic-1");
        metrics.frameAccepted("mic-1");
        metrics.frameAccepted("mic-2");
        metrics.frameRejected(RejectReason.BAD_KEY);
        metrics.frameRejected(RejectReason.DUPLICATE_SEQUENCE);
        metrics.frameRejected(RejectReason.DUPLICATE_SEQUENCE);
        metrics.utteranceTranscribed("tenant-a", 2.0, 0.5, 0.75, 1.25, 0.5);
        metrics.utteranceTranscribed("tenant-a", 4.0, 1.5, 3.0, 1.75, 1.0);
        metrics.utteranceFailed("tenant-a");
        metrics.slowUpdate("tenant-a");
        metrics.driftStatistic("tenant-a", 3.5);
        metrics.reset("tenant-a", ResetReason.DOMAIN_SHIFT, 4.25);
        metrics.weightVersion("tenant-a", 7);
        metrics.onlineWer("tenant-a", "dsuta", "the cat sat", "the cat sat");
        metrics.onlineWer("tenant-a", "source", "the cat sat", "the hat sat");
        metrics.onlineWer("tenant-a", "source", "a b c d", "a x c");
    }

    @Test
    void everyFamilyIsExposedWithItsType() throws Exception {
        recordSomeTraffic();
        Map<String, String> types = scrape().types();
        Map<String, String> expected = Map.ofEntries(
                Map.entry("tta_frames_accepted_total", "counter"),
                Map.entry("tta_frames_rejected_total", "counter"),
                Map.entry("tta_utterances_total", "counter"),
                Map.entry("tta_utterances_failed_total", "counter"),
                Map.entry("tta_audio_seconds_total", "counter"),
                Map.entry("tta_adaptation_duration_seconds", "histogram"),
                Map.entry("tta_end_to_end_latency_seconds", "histogram"),
                Map.entry("tta_real_time_factor_ratio", "gauge"),
                Map.entry("tta_prediction_entropy_nats", "summary"),
                Map.entry("tta_drift_statistic", "gauge"),
                Map.entry("tta_resets_total", "counter"),
                Map.entry("tta_reset_statistic", "gauge"),
                Map.entry("tta_slow_updates_total", "counter"),
                Map.entry("tta_weight_version", "gauge"),
                Map.entry("tta_reference_words_total", "counter"),
                Map.entry("tta_word_errors_total", "counter"),
                Map.entry("tta_online_wer_ratio", "gauge"),
                // The JVM's own metrics, from DefaultExports.
                Map.entry("jvm_memory_bytes_used", "gauge"),
                Map.entry("process_cpu_seconds_total", "counter"));
        expected.forEach((family, type) -> assertEquals(type, types.get(family), family));
    }

    @Test
    void framesAreCountedByStreamAndRejectionsByEveryReason() throws Exception {
        recordSomeTraffic();
        Exposition scraped = scrape();
        assertEquals(2, scraped.value("tta_frames_accepted_total", Map.of("stream", "mic-1")), EXACT);
        assertEquals(1, scraped.value("tta_frames_accepted_total", Map.of("stream", "mic-2")), EXACT);
        assertEquals(1, scraped.value("tta_frames_rejected_total", Map.of("reason", "bad_key")), EXACT);
        assertEquals(2, scraped.value("tta_frames_rejected_total", Map.of("reason", "duplicate_sequence")), EXACT);
        // Reasons that never happened are still there, at zero.
        assertEquals(0, scraped.value("tta_frames_rejected_total", Map.of("reason", "oversize_frame")), EXACT);
        List<String> reasons = scraped.labelValues("tta_frames_rejected_total", "reason");
        assertEquals(RejectReason.values().length, reasons.size());
        assertTrue(reasons.containsAll(Arrays.stream(RejectReason.values()).map(RejectReason::code).toList()));
    }

    @Test
    void utterancesFillCountersHistogramsAndSummaries() throws Exception {
        recordSomeTraffic();
        Exposition scraped = scrape();
        Map<String, String> scope = Map.of("scope", "tenant-a");
        assertEquals(2, scraped.value("tta_utterances_total", scope), EXACT);
        assertEquals(1, scraped.value("tta_utterances_failed_total", scope), EXACT);
        assertEquals(6.0, scraped.value("tta_audio_seconds_total", scope), EXACT);

        // Adaptation took 0.5 s and 1.5 s: one observation at or below 1 s, both at or below 2.5 s.
        assertEquals(2, scraped.value("tta_adaptation_duration_seconds_count", scope), EXACT);
        assertEquals(2.0, scraped.value("tta_adaptation_duration_seconds_sum", scope), EXACT);
        assertEquals(0, scraped.value("tta_adaptation_duration_seconds_bucket", Map.of("scope", "tenant-a", "le", "0.25")), EXACT);
        assertEquals(1, scraped.value("tta_adaptation_duration_seconds_bucket", Map.of("scope", "tenant-a", "le", "1.0")), EXACT);
        assertEquals(2, scraped.value("tta_adaptation_duration_seconds_bucket", Map.of("scope", "tenant-a", "le", "2.5")), EXACT);
        assertEquals(2, scraped.value("tta_adaptation_duration_seconds_bucket", Map.of("scope", "tenant-a", "le", "+Inf")), EXACT);
        // Buckets span 10 ms to a minute.
        List<String> bounds = scraped.labelValues("tta_end_to_end_latency_seconds_bucket", "le");
        assertEquals("0.01", bounds.get(0));
        assertEquals(List.of("60.0", "+Inf"), bounds.subList(bounds.size() - 2, bounds.size()));

        assertEquals(2, scraped.value("tta_end_to_end_latency_seconds_count", scope), EXACT);
        assertEquals(3.75, scraped.value("tta_end_to_end_latency_seconds_sum", scope), EXACT);
        assertEquals(1, scraped.value("tta_end_to_end_latency_seconds_bucket", Map.of("scope", "tenant-a", "le", "1.0")), EXACT);
        assertEquals(1, scraped.value("tta_end_to_end_latency_seconds_bucket", Map.of("scope", "tenant-a", "le", "2.5")), EXACT);
        assertEquals(2, scraped.value("tta_end_to_end_latency_seconds_bucket", Map.of("scope", "tenant-a", "le", "5.0")), EXACT);

        // The latest utterance: 1.5 s of work for 4 s of audio.
        assertEquals(0.375, scraped.value("tta_real_time_factor_ratio", scope), EXACT);

        assertEquals(2, scraped.value("tta_prediction_entropy_nats_count", Map.of("scope", "tenant-a", "stage", "before")), EXACT);
        assertEquals(3.0, scraped.value("tta_prediction_entropy_nats_sum", Map.of("scope", "tenant-a", "stage", "before")), EXACT);
        assertEquals(2, scraped.value("tta_prediction_entropy_nats_count", Map.of("scope", "tenant-a", "stage", "after")), EXACT);
        assertEquals(1.5, scraped.value("tta_prediction_entropy_nats_sum", Map.of("scope", "tenant-a", "stage", "after")), EXACT);
    }

    @Test
    void adaptationEventsAreRecordedPerScope() throws Exception {
        recordSomeTraffic();
        Exposition scraped = scrape();
        Map<String, String> scope = Map.of("scope", "tenant-a");
        Map<String, String> shift = Map.of("scope", "tenant-a", "reason", "domain_shift");
        assertEquals(1, scraped.value("tta_slow_updates_total", scope), EXACT);
        assertEquals(3.5, scraped.value("tta_drift_statistic", scope), EXACT);
        assertEquals(1, scraped.value("tta_resets_total", shift), EXACT);
        assertEquals(4.25, scraped.value("tta_reset_statistic", shift), EXACT);
        assertEquals(7, scraped.value("tta_weight_version", scope), EXACT);
    }

    @Test
    void onlineWerIsAllErrorsOverAllReferenceWordsPerStrategy() throws Exception {
        recordSomeTraffic();
        Exposition scraped = scrape();
        Map<String, String> adapted = Map.of("scope", "tenant-a", "strategy", "dsuta");
        Map<String, String> source = Map.of("scope", "tenant-a", "strategy", "source");
        assertEquals(0, scraped.value("tta_online_wer_ratio", adapted), EXACT);
        assertEquals(3, scraped.value("tta_reference_words_total", adapted), EXACT);
        // "the hat sat": 1 substitution of 3 words; "a x c" for "a b c d": 1 substitution + 1 deletion of 4.
        assertEquals(7, scraped.value("tta_reference_words_total", source), EXACT);
        assertEquals(3, scraped.value("tta_word_errors_total", source), EXACT);
        assertEquals(3.0 / 7, scraped.value("tta_online_wer_ratio", source), EXACT);
    }

    @Test
    void onlineWerReturnsTheUtterancesOwnRate() {
        assertEquals(0.5, metrics.onlineWer("s", "source", "a b c d", "a x c"), EXACT);
    }

    @Test
    void countersOnlyGoUp() throws Exception {
        recordSomeTraffic();
        Map<String, Double> before = monotonicSamples(scrape());
        recordSomeTraffic();
        Map<String, Double> after = monotonicSamples(scrape());
        int grew = 0;
        for (Map.Entry<String, Double> sample : before.entrySet()) {
            double later = after.get(sample.getKey());
            assertTrue(later >= sample.getValue(), sample.getKey() + " went down: " + sample.getValue() + " -> " + later);
            if (later > sample.getValue()) {
                grew++;
            }
        }
        assertTrue(grew >= 20, "only " + grew + " counter samples grew");
        // A negative duration is refused before anything is counted.
        assertThrows(IllegalArgumentException.class,
                () -> metrics.utteranceTranscribed("tenant-a", -1.0, 0.5, 0.5, 1.0, 1.0));
        assertEquals(4, scrape().value("tta_utterances_total", Map.of("scope", "tenant-a")), EXACT);
    }

    @Test
    void unmeasuredValuesAreNotObserved() throws Exception {
        metrics.utteranceTranscribed("tenant-b", 1.0, 0.25, Double.NaN, Double.NaN, Double.NaN);
        Exposition scraped = scrape();
        assertEquals(1, scraped.value("tta_utterances_total", Map.of("scope", "tenant-b")), EXACT);
        assertEquals(List.of(), scraped.labelValues("tta_end_to_end_latency_seconds_count", "scope"));
        assertEquals(List.of(), scraped.labelValues("tta_prediction_entropy_nats_count", "scope"));
    }

    @Test
    void dataDerivedLabelsAreBounded() throws Exception {
        try (TtaMetrics bounded = new TtaMetrics(2)) {
            int boundedPort = bounded.start(0);
            for (String stream : List.of("s1", "s2", "s3", "s4", "s1")) {
                bounded.frameAccepted(stream);
            }
            for (String scope : List.of("a", "b", "c")) {
                bounded.slowUpdate(scope);
            }
            Exposition scraped = scrape(boundedPort);
            assertEquals(2, scraped.value("tta_frames_accepted_total", Map.of("stream", "s1")), EXACT);
            assertEquals(1, scraped.value("tta_frames_accepted_total", Map.of("stream", "s2")), EXACT);
            assertEquals(2, scraped.value("tta_frames_accepted_total", Map.of("stream", "_overflow")), EXACT);
            assertEquals(3, scraped.labelValues("tta_frames_accepted_total", "stream").size());
            assertEquals(1, scraped.value("tta_slow_updates_total", Map.of("scope", "_overflow")), EXACT);
        }
    }

    @Test
    void resetReasonsMapFromTheStrategiesWording() {
        assertEquals(ResetReason.DOMAIN_SHIFT, ResetReason.fromDescription("domain shift"));
        assertEquals(ResetReason.PERIODIC, ResetReason.fromDescription("periodic"));
        assertEquals(ResetReason.COLLAPSE, ResetReason.fromDescription("Collapse"));
        assertEquals(ResetReason.NON_FINITE_GRADIENT, ResetReason.fromDescription("non-finite gradient"));
        assertEquals(ResetReason.OTHER, ResetReason.fromDescription("operator asked"));
        assertEquals("non_finite_gradient", ResetReason.NON_FINITE_GRADIENT.label());
    }

    @Test
    void startingTwiceIsRefused() {
        assertThrows(IllegalStateException.class, () -> metrics.start(0));
    }

    private Exposition scrape() throws Exception {
        return scrape(port);
    }

    private static Exposition scrape(int port) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        return Exposition.parse(response.body());
    }

    /** The tta_ counter and histogram-count samples, keyed by name and labels. */
    private static Map<String, Double> monotonicSamples(Exposition scraped) {
        Map<String, Double> samples = new HashMap<>();
        for (Exposition.Sample sample : scraped.samples()) {
            String name = sample.name();
            if (name.startsWith("tta_") && (name.endsWith("_total") || name.endsWith("_count") || name.endsWith("_bucket"))) {
                samples.put(name + sample.labels(), sample.value());
            }
        }
        return samples;
    }
}
