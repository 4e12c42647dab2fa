package io.ttastream.adaptation.strategy;

import io.ttastream.kernels.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Dynamic SUTA's domain-shift detector (hhhaaahhhaa/Dynamic-SUTA dsuta_reset.py; see
 * ALGORITHM-NOTES.md section 3). Counting utterances since the last reset: at K/2 the current slow
 * weights become the frozen "domain expert"; from K/2 + 1 to K - 1 the statistic
 * s(x) = loss(domain expert) - loss(source) is collected; at K a Gaussian is fitted. From then on,
 * each buffer of M utterances is a shift when (mean s - mu) / (sigma / sqrt M) exceeds the
 * threshold, and {@code patience} consecutive shifts call for a reset. Resets are therefore at least
 * K + 2M utterances apart.
 */
final class ShiftDetector {
    /** K, the z threshold, the patience and the buffer size M; {@link #reference()} is the paper's. */
    record Config(int k, double zThreshold, int patience, int bufferSize) {
        static Config reference() {
            return new Config(100, 2.0, 2, 5);
        }
    }

    /** What the strategy must provide after an utterance. */
    enum Need { NOTHING, SNAPSHOT_DOMAIN, STATISTIC }

    private final Config config;
    private int seen;
    private Map<String, Tensor> domain;
    private final List<Double> collected = new ArrayList<>();
    private final List<Double> bufferStatistics = new ArrayList<>();
    private double mu = Double.NaN;
    private double sigma = Double.NaN;
    private int failures;
    private double lastStatistic = Double.NaN;

    ShiftDetector(Config config) {
        this.config = config;
    }

    /** Counts one more utterance and says what it needs for it. */
    Need advance() {
        seen++;
        if (seen == config.k() / 2) {
            return Need.SNAPSHOT_DOMAIN;
        }
        if (seen == config.k()) {
            fit();
            return Need.NOTHING;
        }
        return seen > config.k() / 2 && domain != null ? Need.STATISTIC : Need.NOTHING;
    }

    void setDomain(Map<String, Tensor> weights) {
        this.domain = weights;
    }

    Map<String, Tensor> domain() {
        return domain;
    }

    void record(double statistic) {
        (hasGaussian() ? bufferStatistics : collected).add(statistic);
    }

    boolean hasGaussian() {
        return !Double.isNaN(mu);
    }

    private void fit() {
        int n = collected.size();
        if (n < 2) {
            return;
        }
        double mean = collected.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        double ss = collected.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
        mu = mean;
        sigma = Math.sqrt(ss / (n - 1));
    }

    /** At a buffer boundary: true when this is the patience-th consecutive shifted buffer. */
    boolean checkBuffer() {
        if (!hasGaussian() || bufferStatistics.size() < config.bufferSize()) {
            bufferStatistics.clear();
            lastStatistic = Double.NaN;
            return false;
        }
        double mean = bufferStatistics.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        bufferStatistics.clear();
        lastStatistic = (mean - mu) / (Math.max(sigma, 1e-12) / Math.sqrt(config.bufferSize()));
        failures = lastStatistic > config.zThreshold() ? failures + 1 : 0;
        return failures >= config.patience();
    }

    /** The z statistic of the last {@link #checkBuffer()} call (NaN when it had nothing to check). */
    double lastStatistic() {
        return lastStatistic;
    }

    /** The detector's scalars, for {@link StrategyState}; the domain weights travel separately. */
    Map<String, String> exportProperties() {
        return Map.of("detector.seen", Integer.toString(seen),
                "detector.collected", join(collected),
                "detector.buffer", join(bufferStatistics),
                "detector.mu", Double.toString(mu),
                "detector.sigma", Double.toString(sigma),
                "detector.failures", Integer.toString(failures),
                "detector.last", Double.toString(lastStatistic));
    }

    void importProperties(Map<String, String> p, Map<String, Tensor> domainWeights) {
        seen = Integer.parseInt(p.get("detector.seen"));
        collected.clear();
        collected.addAll(split(p.get("detector.collected")));
        bufferStatistics.clear();
        bufferStatistics.addAll(split(p.get("detector.buffer")));
        mu = Double.parseDouble(p.get("detector.mu"));
        sigma = Double.parseDouble(p.get("detector.sigma"));
        failures = Integer.parseInt(p.get("detector.failures"));
        lastStatistic = Double.parseDouble(p.get("detector.last"));
        domain = domainWeights;
    }

    private static String join(List<Double> values) {
        return String.join(",", values.stream().map(d -> Double.toString(d)).toList());
    }

    private static List<Double> split(String values) {
        return values.isEmpty() ? List.of() : java.util.Arrays.stream(values.split(",")).map(Double::valueOf).toList();
    }

    void reset() {
        seen = 0;
        domain = null;
        collected.clear();
        bufferStatistics.clear();
        mu = Double.NaN;
        sigma = Double.NaN;
        failures = 0;
    }
}
