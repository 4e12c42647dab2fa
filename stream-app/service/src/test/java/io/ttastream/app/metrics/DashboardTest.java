package io.ttastream.app.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ttastream.app.stream.RejectReason;
import io.ttastream.app.stream.ResetReason;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The provisioned Grafana dashboard (deploy/grafana/dashboards) queries only series the service really exposes:
 * a renamed metric must fail here rather than leave an empty panel in production.
 */
class DashboardTest {

    /** Tests run in the module's directory, two levels below the repository root. */
    private static final Path DASHBOARD = Path.of("../../deploy/grafana/dashboards/tta-stream.json");

    private static final Pattern SERIES_NAME = Pattern.compile("\\b(?:tta|jvm|process)_[a-z_]+\\b");

    @Test
    void everySeriesTheDashboardQueriesIsExposed() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        Set<String> queried = new TreeSet<>();
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.get("targets")) {
                Matcher names = SERIES_NAME.matcher(target.get("expr").asText());
                while (names.find()) {
                    queried.add(names.group());
                }
            }
        }
        assertTrue(queried.size() >= 15, "the dashboard queries only " + queried);

        Set<String> exposed;
        try (TtaMetrics metrics = new TtaMetrics()) {
            int port = metrics.start(0);
            metrics.frameAccepted("s");
            metrics.frameRejected(RejectReason.EMPTY_FRAME);
            metrics.utteranceTranscribed("a", 1, 0.1, 0.2, 2.0, 1.0);
            metrics.slowUpdate("a");
            metrics.reset("a", ResetReason.PERIODIC, 10);
            metrics.driftStatistic("a", 1);
            metrics.weightVersion("a", 1);
            metrics.onlineWer("a", "source", "a b", "a c");
            String body = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            exposed = Exposition.parse(body).samples().stream().map(Exposition.Sample::name).collect(Collectors.toSet());
        }
        Set<String> missing = new TreeSet<>(queried);
        missing.removeAll(exposed);
        assertEquals(Set.of(), missing, "queried by the dashboard but not exposed");
    }
}
