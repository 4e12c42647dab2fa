package io.ttastream.adaptation.strategy;

import io.ttastream.adaptation.decode.CtcDecoder;
import io.ttastream.adaptation.decode.GreedyCtcDecoder;
import io.ttastream.adaptation.model.Gradients;
import io.ttastream.adaptation.model.Wav2Vec2Model;
import io.ttastream.adaptation.optim.AdamW;
import io.ttastream.adaptation.optim.Optimizer;
import io.ttastream.adaptation.suta.SutaAdapter;
import io.ttastream.adaptation.suta.SutaConfig;
import io.ttastream.asr.HostTensor;
import io.ttastream.kernels.Backend;
import io.ttastream.kernels.Tensor;
import io.ttastream.kernels.loss.SutaLoss;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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

    /** The z above which dsuta's shift detector counts a checked buffer as shifted. */
    public static final double SHIFT_THRESHOLD = ShiftDetector.Config.reference().zThreshold();

    /** A reset of the slow weights (to the source, or to the last known-good weights on collapse), with why. */
    public record Reset(int utterance, String reason, double statistic) {
    }

    /**
     * The collapse guard: when at least {@code COLLAPSE_FRACTION} of the last {@code COLLAPSE_WINDOW}
     * transcripts are empty (every frame blank, the classic failure of entropy minimisation run
     * too long), the slow weights go back to the last known-good ones. Weights become known-good
     * after a slow update taken while at most {@code GOOD_FRACTION} of the window was empty.
     */
    static final int COLLAPSE_WINDOW = 10;
    static final double COLLAPSE_FRACTION = 0.8;
    static final double GOOD_FRACTION = 0.2;

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
    /** The z statistic of the buffer checked during the current utterance, NaN when none was. */
    private double drift = Double.NaN;
    private final ArrayDeque<Boolean> recentEmpty = new ArrayDeque<>();
    private Map<String, Tensor> knownGood;

    public ContinualStrategy(Plan plan, Wav2Vec2Model model, SutaConfig config) {
        this(plan, model, config, new GreedyCtcDecoder(model.vocabulary()));
    }

    public ContinualStrategy(Plan plan, Wav2Vec2Model model, SutaConfig config, CtcDecoder decoder) {
        this.plan = plan;
        this.model = model;
        this.adapter = new SutaAdapter(model, config, decoder);
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

    /** The strategy's learned state as plain data (see {@link StrategyState}). */
    public StrategyState exportState() {
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        slow.forEach((name, t) -> tensors.put("slow." + name, new HostTensor(t.shape(), t.toArray())));
        slowOptimizer.state().forEach((key, t) -> tensors.put("adam." + key, new HostTensor(t.shape(), t.toArray())));
        for (int i = 0; i < buffer.size(); i++) {
            tensors.put("buffer." + i, new HostTensor(new int[]{buffer.get(i).length}, buffer.get(i).clone()));
        }
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("utterances", Integer.toString(utterances));
        properties.put("slowUpdates", Integer.toString(slowUpdates));
        properties.put("adam.step", Integer.toString(slowOptimizer.stepCount()));
        properties.put("buffer.size", Integer.toString(buffer.size()));
        StringBuilder recent = new StringBuilder();
        recentEmpty.forEach(empty -> recent.append(empty ? '1' : '0'));
        properties.put("collapse.recent", recent.toString());
        if (knownGood != null) {
            knownGood.forEach((name, t) -> tensors.put("known_good." + name, new HostTensor(t.shape(), t.toArray())));
        }
        if (detector != null) {
            properties.putAll(detector.exportProperties());
            if (detector.domain() != null) {
                detector.domain().forEach((name, t) -> tensors.put("domain." + name, new HostTensor(t.shape(), t.toArray())));
            }
        }
        return new StrategyState(plan.name(), tensors, properties);
    }

    /** Restores a state exported by a strategy of the same plan on the same model. */
    public void importState(StrategyState state) {
        if (!state.strategy().equals(plan.name())) {
            throw new IllegalArgumentException("state of strategy '" + state.strategy() + "' cannot restore '" + plan.name() + "'");
        }
        Backend backend = model.backend();
        slow = new LinkedHashMap<>();
        Map<String, Tensor> domain = new LinkedHashMap<>();
        Map<String, Tensor> good = new LinkedHashMap<>();
        Map<String, float[]> moments = new LinkedHashMap<>();
        state.tensors().forEach((key, t) -> {
            if (key.startsWith("slow.")) {
                slow.put(key.substring(5), backend.fromArray(t.data(), t.shape()));
            } else if (key.startsWith("domain.")) {
                domain.put(key.substring(7), backend.fromArray(t.data(), t.shape()));
            } else if (key.startsWith("known_good.")) {
                good.put(key.substring(11), backend.fromArray(t.data(), t.shape()));
            } else if (key.startsWith("adam.")) {
                moments.put(key.substring(5), t.data());
            }
        });
        if (!slow.keySet().equals(source.keySet())) {
            throw new IllegalArgumentException("state's slow weights do not match this model's trainable parameters");
        }
        slowOptimizer = (AdamW) adapter.newOptimizer();
        slowOptimizer.restore(moments, model.parameters(), Integer.parseInt(state.properties().get("adam.step")));
        buffer.clear();
        int buffered = Integer.parseInt(state.properties().get("buffer.size"));
        for (int i = 0; i < buffered; i++) {
            buffer.add(state.tensors().get("buffer." + i).data().clone());
        }
        utterances = Integer.parseInt(state.properties().get("utterances"));
        slowUpdates = Integer.parseInt(state.properties().get("slowUpdates"));
        knownGood = good.isEmpty() ? null : good;
        recentEmpty.clear();
        state.properties().getOrDefault("collapse.recent", "").chars().forEach(c -> recentEmpty.addLast(c == '1'));
        if (detector != null) {
            detector.importProperties(state.properties(), domain.isEmpty() ? null : domain);
        }
        adapter.restoreTrainable(slow);
    }

    @Override
    public Outcome process(float[] inputValues) {
        utterances++;
        int resetsBefore = resets.size();
        int slowUpdatesBefore = slowUpdates;
        drift = Double.NaN;
        Outcome decoded = decode(inputValues);
        if (detector != null) {
            observe(inputValues);
        }
        if (plan.bufferSize() > 0) {
            buffer.add(inputValues);
            if (buffer.size() == plan.bufferSize()) {
                boolean shifted = detector != null && detector.checkBuffer();
                if (detector != null) {
                    drift = detector.lastStatistic();
                }
                if (shifted) {
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
        guardAgainstCollapse(decoded.text().isEmpty());
        List<Event> events = new ArrayList<>();
        if (!Double.isNaN(drift)) {
            events.add(new Event(Event.DRIFT, "buffer check", drift));
        }
        if (slowUpdates > slowUpdatesBefore) {
            events.add(new Event(Event.SLOW_UPDATE, "buffer of " + plan.bufferSize(), slowUpdates));
        }
        for (Reset r : resets.subList(resetsBefore, resets.size())) {
            events.add(new Event(Event.RESET, r.reason(), r.statistic()));
        }
        return new Outcome(decoded.text(), decoded.lossBefore(), decoded.lossAfter(), decoded.entropyBefore(),
                decoded.entropyAfter(), decoded.nonFinite(), events);
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
                r.after().meanEntropyAllFrames(), r.nonFinite(), List.of());
    }

    private void guardAgainstCollapse(boolean empty) {
        recentEmpty.addLast(empty);
        if (recentEmpty.size() > COLLAPSE_WINDOW) {
            recentEmpty.removeFirst();
        }
        double fraction = recentEmpty.stream().filter(e -> e).count() / (double) recentEmpty.size();
        if (recentEmpty.size() == COLLAPSE_WINDOW && fraction >= COLLAPSE_FRACTION) {
            Map<String, Tensor> target = knownGood != null ? knownGood : source;
            resets.add(new Reset(utterances, "collapse", fraction));
            slow = adapter.copyTrainableFrom(target);
            slowOptimizer = (AdamW) adapter.newOptimizer();
            adapter.restoreTrainable(slow);
            recentEmpty.clear();
        }
    }

    /** True when few recent transcripts were empty: the current slow weights are worth keeping. */
    private boolean healthy() {
        return recentEmpty.size() >= plan.bufferSize()
                && recentEmpty.stream().filter(e -> e).count() <= GOOD_FRACTION * recentEmpty.size();
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
        if (healthy()) {
            knownGood = slow;
        }
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
