package io.ttastream.adaptation.strategy;

import io.ttastream.adaptation.loss.SutaLoss;
import io.ttastream.adaptation.model.Gradients;
import io.ttastream.adaptation.model.Wav2Vec2Model;
import io.ttastream.adaptation.optim.AdamW;
import io.ttastream.adaptation.optim.Optimizer;
import io.ttastream.adaptation.suta.SutaAdapter;
import io.ttastream.adaptation.suta.SutaConfig;
import io.ttastream.kernels.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The continual strategies of the Dynamic SUTA paper (Lin, Huang, Lee, EMNLP 2024) over one piece
 * of machinery: persistent "slow" weights with their optimizer state, and an optional "fast"
 * per-utterance update that starts from them and is thrown away after decoding.
 * <ul>
 *   <li>{@code csuta}: fast steps applied to the slow weights themselves, never reset.</li>
 *   <li>{@code csuta-reset}: the same, reset to the source every {@code resetEvery} utterances.</li>
 *   <li>{@code fast-only}: fast steps from the source every time (no slow weights move).</li>
 *   <li>{@code slow-only}: decode with the slow weights; one slow step every {@code bufferSize} utterances.</li>
 *   <li>{@code dsuta}: fast steps from the slow weights (and their Adam state) to decode; one slow step on
 *       the buffer's mean loss every {@code bufferSize} utterances; the dynamic reset of {@link ShiftDetector}.</li>
 * </ul>
 */
public final class ContinualStrategy implements Strategy {
    /** The mechanics that tell the strategies apart. */
    public record Plan(String name, int fastSteps, boolean fastFromSlow, boolean fastIsKept, int bufferSize,
                       int resetEvery, boolean dynamicReset) {
        /** Dynamic SUTA's release configuration: dsuta.yaml + 5step.yaml + dynamic-reset.yaml. */
        public static Plan dsuta() {
            return new Plan("dsuta", 5, true, false, 5, 0, true);
        }

        /** CSUTA as the reference's usage.sh runs it: one step per utterance, never reset. */
        public static Plan csuta() {
            return new Plan("csuta", 1, true, true, 0, 0, false);
        }

        /** CSUTA with fix-freq-reset.yaml's period of 50. */
        public static Plan csutaReset(int every) {
            return new Plan("csuta-reset", 1, true, true, 0, every, false);
        }

        public static Plan fastOnly() {
            return new Plan("fast-only", 5, false, false, 0, 0, false);
        }

        public static Plan slowOnly() {
            return new Plan("slow-only", 0, true, false, 5, 0, false);
        }
    }

    /** A reset of the slow weights to the source, with why. */
    public record Reset(int utterance, String reason, double statistic) {
    }

    private final Plan plan;
    private final Wav2Vec2Model model;
    private final SutaAdapter adapter;
    private final Map<String, Tensor> source;
    private final ShiftDetector detector;
    private Map<String, Tensor> slow;
    private AdamW slowOptimizer;
    private final List<float[]> buffer = new ArrayList<>();
    private final List<Reset> resets = new ArrayList<>();
    private int utterances;
    private int slowUpdates;

    public ContinualStrategy(Plan plan, Wav2Vec2Model model, SutaConfig config) {
        this.plan = plan;
        this.model = model;
        this.adapter = new SutaAdapter(model, config);
        this.source = adapter.copyTrainable();
        this.slow = adapter.copyTrainable();
        this.slowOptimizer = (AdamW) adapter.newOptimizer();
        this.detector = plan.dynamicReset() ? new ShiftDetector(ShiftDetector.Config.reference()) : null;
    }

    @Override
    public String name() {
        return plan.name();
    }

    public List<Reset> resets() {
        return List.copyOf(resets);
    }

    public int slowUpdates() {
        return slowUpdates;
    }

    public int utterances() {
        return utterances;
    }

    @Override
    public Outcome process(float[] inputValues) {
        utterances++;
        Outcome outcome = decode(inputValues);
        if (detector != null) {
            observe(inputValues);
        }
        if (plan.bufferSize() > 0) {
            buffer.add(inputValues);
            if (buffer.size() == plan.bufferSize()) {
                if (detector != null && detector.checkBuffer()) {
                    reset("domain shift", detector.lastStatistic());
                } else {
                    slowUpdate();
                }
                buffer.clear();
            }
        }
        if (plan.resetEvery() > 0 && utterances % plan.resetEvery() == 0) {
            reset("periodic", plan.resetEvery());
        }
        return outcome;
    }

    /** The transcript: fast steps from the slow (or source) weights, kept only by the csuta plans. */
    private Outcome decode(float[] inputValues) {
        Map<String, Tensor> start = plan.fastFromSlow() ? slow : source;
        adapter.restoreTrainable(start);
        Optimizer optimizer = plan.fastFromSlow() ? (plan.fastIsKept() ? slowOptimizer : slowOptimizer.copy())
                : adapter.newOptimizer();
        SutaAdapter.Result r = adapter.adaptInPlace(inputValues, optimizer, plan.fastSteps());
        if (plan.fastIsKept() && !r.nonFinite()) {
            slow = adapter.copyTrainable();
        }
        adapter.restoreTrainable(slow);
        return new Outcome(r.text(), r.before().total(), r.after().total(), r.before().meanEntropyAllFrames(),
                r.after().meanEntropyAllFrames(), r.nonFinite());
    }

    /** One optimizer step on the mean SUTA loss of the buffered utterances; its result is kept. */
    private void slowUpdate() {
        adapter.restoreTrainable(slow);
        Gradients gradients = adapter.newGradients();
        for (float[] x : buffer) {
            adapter.lossAndGradients(x, gradients);
        }
        for (Tensor g : gradients.asMap().values()) {
            model.backend().scale(g, g, 1f / buffer.size());
        }
        if (!gradients.allFinite()) {
            reset("non-finite gradient", Double.NaN);
            return;
        }
        slowOptimizer.step(model.parameters(), gradients);
        slow = adapter.copyTrainable();
        slowUpdates++;
    }

    /** Feeds the detector its statistic s(x) = loss under the domain expert - loss under the source. */
    private void observe(float[] inputValues) {
        ShiftDetector.Need need = detector.advance();
        if (need == ShiftDetector.Need.SNAPSHOT_DOMAIN) {
            detector.setDomain(adapter.copyTrainable());
        } else if (need == ShiftDetector.Need.STATISTIC) {
            double domainLoss = lossUnder(detector.domain(), inputValues);
            double sourceLoss = lossUnder(source, inputValues);
            detector.record(domainLoss - sourceLoss);
            adapter.restoreTrainable(slow);
        }
    }

    private double lossUnder(Map<String, Tensor> weights, float[] inputValues) {
        adapter.restoreTrainable(weights);
        SutaLoss.Result r = adapter.lossOf(model.logits(inputValues));
        return r.total();
    }

    private void reset(String reason, double statistic) {
        resets.add(new Reset(utterances, reason, statistic));
        slow = adapter.copyTrainableFrom(source);
        slowOptimizer = (AdamW) adapter.newOptimizer();
        adapter.restoreTrainable(slow);
        buffer.clear();
        if (detector != null) {
            detector.reset();
        }
    }
}
