package io.ttastream.app;

import io.ttastream.adaptation.data.NoiseMixer;
import io.ttastream.adaptation.decode.CtcDecoder;
import io.ttastream.adaptation.model.ParameterGroups;
import io.ttastream.adaptation.strategy.Strategies;
import io.ttastream.adaptation.strategy.Strategy;
import io.ttastream.adaptation.suta.SutaConfig;
import io.ttastream.app.cli.DecoderOptions;
import io.ttastream.asr.AdaptationDefaults;
import io.ttastream.asr.audio.AudioLoader;
import io.ttastream.asr.audio.FeatureExtractor;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Which strategies adapt, how, and which corruption the audio gets on the way in. */
final class AdaptationOptions {
    private static final SutaConfig REFERENCE = SutaConfig.reference();

    @Option(names = "--strategy", split = ",", paramLabel = "NAME",
            description = "Strategies, comma-separated, run side by side: source, suta, csuta, csuta-reset, fast-only, slow-only, dsuta. "
                    + "Default: source (demo and serve: suta).")
    List<String> strategies;

    /** The strategies asked for, or the command's default. */
    List<String> strategiesOr(List<String> fallback) {
        return strategies != null ? strategies : fallback;
    }

    @Option(names = "--steps", description = "SUTA optimizer steps per utterance. Default: 10 (reference).")
    int steps = REFERENCE.steps();

    @Option(names = "--lr", description = "SUTA learning rate. Default: for strategy suta the one the model's folder "
            + "recommends in " + AdaptationDefaults.FILE + ", else (and for the continual strategies) 2e-5 (reference).")
    Double lr;

    @Option(names = "--trainable", paramLabel = "GROUPS",
            description = "Adapted parameters: ln, feature, all, joined by +. Default: ln+feature (reference).")
    String trainable = "ln+feature";

    @Option(names = "--noise", paramLabel = "WAV", description = "Mix this noise into every utterance.")
    Path noise;

    @Option(names = "--snr", paramLabel = "DB", description = "Signal-to-noise ratio for --noise. Default: ${DEFAULT-VALUE}.")
    double snrDb = 5;

    private float[] noiseSamples;

    /**
     * The reference SUTA settings with these options for the named strategy, at the learning rate the model recommends
     * for it when --lr is not given.
     */
    SutaConfig sutaConfig(AdaptationDefaults modelDefaults, String strategy) {
        return new SutaConfig(steps, SutaConfig.learningRate(lr, modelDefaults, strategy), REFERENCE.optimizer(),
                ParameterGroups.parse(trainable), REFERENCE.loss());
    }

    /**
     * The SUTA settings of the adapting strategies among {@code names}, for a run's header, e.g.
     * "SUTA 10 steps, ln+feature, lr: suta 1e-4 (the model's adaptation_config.json), dsuta 2e-5 (reference)", or
     * "no adaptation" when every one is {@code source}.
     */
    String describe(AdaptationDefaults modelDefaults, List<String> names) {
        List<String> rates = new ArrayList<>();
        for (String name : names.stream().map(String::trim).toList()) {
            if (!name.equals("source")) {
                String origin = lr != null ? "--lr"
                        : modelDefaults.lrFor(name).isPresent() ? "the model's " + AdaptationDefaults.FILE : "reference";
                rates.add(name + " " + shortDecimal(sutaConfig(modelDefaults, name).lr()) + " (" + origin + ")");
            }
        }
        if (rates.isEmpty()) {
            return "no adaptation";
        }
        return String.format(Locale.ROOT, "SUTA %d steps, %s, lr: %s", steps, trainable, String.join(", ", rates));
    }

    /** 1e-4, 2.5e-5: what a user would type. */
    static String shortDecimal(double value) {
        String[] parts = String.format(Locale.ROOT, "%.3e", value).split("e");
        String mantissa = parts[0].replaceAll("\\.?0+$", "");
        return mantissa + "e" + Integer.parseInt(parts[1]);
    }

    /** The named strategies, each on its own copy of the model, decoding as {@code decoding} says. */
    List<Strategy> create(Recogniser recogniser, List<String> names, DecoderOptions decoding) throws IOException {
        CtcDecoder decoder = decoding.decoderFor(recogniser.vocabulary());
        List<Strategy> out = new ArrayList<>();
        for (String name : names.stream().map(String::trim).toList()) {
            out.add(Strategies.create(name, recogniser.newModel(), sutaConfig(recogniser.adaptationDefaults(), name), decoder));
        }
        return out;
    }

    /** Loads a file at 16 kHz, applies the corruption, normalises as wav2vec2 expects. */
    float[] inputValues(Path file) throws IOException {
        float[] samples = AudioLoader.load16k(file);
        if (noise != null) {
            if (noiseSamples == null) {
                noiseSamples = AudioLoader.load16k(noise);
            }
            samples = NoiseMixer.mix(samples, noiseSamples, snrDb);
        }
        return FeatureExtractor.normalize(samples);
    }

    String corruption() {
        return noise == null ? "clean" : noise.getFileName() + " at " + snrDb + " dB SNR";
    }
}
