package io.ttastream.app;

import io.ttastream.adaptation.suta.SutaConfig;
import io.ttastream.asr.AdaptationDefaults;
import io.ttastream.kernels.CpuBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalDouble;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AdaptationOptionsTest {
    private static final Path TINY = Path.of("../../adaptation/src/test/resources/golden/tiny-layer");
    private static final AdaptationDefaults RECOMMENDS_1E_4 = new AdaptationDefaults(OptionalDouble.of(1e-4));

    @TempDir
    Path dir;

    @Test
    void withoutLrSutaTakesTheModelsRecommendationAndTheContinualStrategiesTheReference() {
        AdaptationOptions options = CommandLine.populateCommand(new AdaptationOptions());
        assertEquals(1e-4, options.sutaConfig(RECOMMENDS_1E_4, "suta").lr());
        assertEquals(SutaConfig.reference().lr(), options.sutaConfig(RECOMMENDS_1E_4, "dsuta").lr());
        assertEquals(SutaConfig.reference().lr(), options.sutaConfig(AdaptationDefaults.NONE, "suta").lr());
    }

    @Test
    void anExplicitLrWinsOverTheModelsRecommendation() {
        AdaptationOptions options = CommandLine.populateCommand(new AdaptationOptions(), "--lr", "3e-5", "--steps", "4");
        for (String strategy : new String[]{"suta", "dsuta"}) {
            SutaConfig config = options.sutaConfig(RECOMMENDS_1E_4, strategy);
            assertEquals(3e-5, config.lr());
            assertEquals(4, config.steps());
        }
    }

    @Test
    void theDescriptionSaysWhereTheLearningRateCameFrom() {
        AdaptationOptions defaults = CommandLine.populateCommand(new AdaptationOptions());
        assertEquals("SUTA 10 steps, ln+feature, lr: suta 1e-4 (the model's adaptation_config.json), dsuta 2e-5 (reference)",
                defaults.describe(RECOMMENDS_1E_4, List.of("source", " suta", "dsuta")));
        assertEquals("SUTA 10 steps, ln+feature, lr: suta 2e-5 (reference)", defaults.describe(AdaptationDefaults.NONE, List.of("suta")));
        assertEquals("no adaptation", defaults.describe(RECOMMENDS_1E_4, List.of("source", " source")));
        AdaptationOptions explicit = CommandLine.populateCommand(new AdaptationOptions(), "--lr", "0.00025");
        assertEquals("SUTA 10 steps, ln+feature, lr: csuta 2.5e-4 (--lr)", explicit.describe(RECOMMENDS_1E_4, List.of("csuta")));
    }

    @Test
    void aRecogniserReadsTheRecommendationFromTheCheckpointFolder() throws Exception {
        Path model = dir.resolve("model");
        Files.createDirectories(model);
        try (var files = Files.list(TINY)) {
            for (Path file : files.toList()) {
                Files.copy(file, model.resolve(file.getFileName()));
            }
        }
        try (Recogniser plain = Recogniser.load(model, new CpuBackend(1))) {
            assertEquals(AdaptationDefaults.NONE, plain.adaptationDefaults(), "a Hugging Face folder as published");
        }
        Files.writeString(model.resolve(AdaptationDefaults.FILE), "{\"suta_lr\": 7e-5}");
        try (Recogniser recommending = Recogniser.load(model, new CpuBackend(1))) {
            AdaptationOptions options = CommandLine.populateCommand(new AdaptationOptions());
            assertEquals(7e-5, options.sutaConfig(recommending.adaptationDefaults(), "suta").lr());
        }
    }

    @Test
    void theShippedSourceModelsRecommendationIsReadable() throws Exception {
        assertEquals(1e-4, AdaptationDefaults.read(Path.of("../../models/source")).sutaLr().orElseThrow(),
                "the learning rate chosen on dev.tsv (models/source/MODEL_CARD.md)");
    }
}
