package io.ttastream.adaptation.strategy;

import io.ttastream.adaptation.decode.CtcDecoder;
import io.ttastream.adaptation.model.Wav2Vec2Model;
import io.ttastream.adaptation.suta.SutaAdapter;
import io.ttastream.adaptation.suta.SutaConfig;

/** SUTA: adapt on each utterance from the source weights, decode, forget. Nothing carries over. */
public final class SutaStrategy implements Strategy {
    private final SutaAdapter adapter;

    public SutaStrategy(Wav2Vec2Model model, SutaConfig config, CtcDecoder decoder) {
        this.adapter = new SutaAdapter(model, config, decoder);
    }

    @Override
    public String name() {
        return "suta";
    }

    @Override
    public Outcome process(float[] inputValues) {
        SutaAdapter.Result r = adapter.adapt(inputValues);
        return new Outcome(r.text(), r.before().total(), r.after().total(), r.before().meanEntropyAllFrames(),
                r.after().meanEntropyAllFrames(), r.nonFinite(), java.util.List.of());
    }

    public long nonFiniteCount() {
        return adapter.nonFiniteCount();
    }
}
