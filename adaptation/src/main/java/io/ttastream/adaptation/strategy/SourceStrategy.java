package io.ttastream.adaptation.strategy;

import io.ttastream.adaptation.decode.CtcDecoder;
import io.ttastream.adaptation.model.Wav2Vec2Model;
import io.ttastream.kernels.loss.SutaLoss;
import io.ttastream.kernels.loss.SutaLossConfig;

/** No adaptation: the source model decodes every utterance (the baseline every strategy is measured against). */
public final class SourceStrategy implements Strategy {
    private final Wav2Vec2Model model;
    private final CtcDecoder decoder;
    private final SutaLoss loss = new SutaLoss(SutaLossConfig.reference());

    public SourceStrategy(Wav2Vec2Model model, CtcDecoder decoder) {
        this.model = model;
        this.decoder = decoder;
    }

    @Override
    public String name() {
        return "source";
    }

    @Override
    public Outcome process(float[] inputValues) {
        float[] logits = model.logits(inputValues);
        int classes = model.vocabulary().size();
        SutaLoss.Result l = loss.compute(logits, logits.length / classes, classes);
        return new Outcome(decoder.decode(logits), l.total(), l.total(), l.meanEntropyAllFrames(),
                l.meanEntropyAllFrames(), false, java.util.List.of());
    }
}
