package io.ttastream.adaptation;

import io.ttastream.adaptation.decode.GreedyCtcDecoder;
import io.ttastream.adaptation.model.Wav2Vec2Model;
import io.ttastream.asr.audio.FeatureExtractor;

/** Audio in, text out: normalise 16 kHz samples as wav2vec2 expects, run the model, decode greedily. */
public final class Transcriber {
    private final Wav2Vec2Model model;
    private final GreedyCtcDecoder decoder;

    public Transcriber(Wav2Vec2Model model) {
        this.model = model;
        this.decoder = new GreedyCtcDecoder(model.vocabulary());
    }

    /** A transcript with the logits it came from. */
    public record Result(String text, float[] logits, int frames) {
    }

    public Result transcribe(float[] samples16k) {
        float[] logits = model.logits(FeatureExtractor.normalize(samples16k));
        return new Result(decoder.decode(logits), logits, logits.length / model.vocabulary().size());
    }

    public Wav2Vec2Model model() {
        return model;
    }
}
