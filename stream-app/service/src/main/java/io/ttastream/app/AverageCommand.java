package io.ttastream.app;

import io.ttastream.asr.Checkpoint;
import io.ttastream.asr.HuggingFaceCheckpoints;
import io.ttastream.asr.Safetensors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code tta average}: the weighted average of two checkpoints fine-tuned from one ancestor (a model soup). */
@Command(name = "average", mixinStandardHelpOptions = true,
        description = "Average the weights of two wav2vec2 CTC checkpoints that share an ancestor (a model soup): "
                + "OUT = (1 - weight) * FIRST + weight * SECOND, parameter by parameter.")
final class AverageCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FIRST", description = "The first model folder.")
    Path first;

    @Parameters(index = "1", paramLabel = "SECOND", description = "The second model folder (same config, vocabulary "
            + "and tensors).")
    Path second;

    @Option(names = "--weight", paramLabel = "W", description = "The second model's share, in [0, 1]. "
            + "Default: ${DEFAULT-VALUE}.")
    float weight = 0.5f;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output model folder.")
    Path out;

    @Override
    public Integer call() throws Exception {
        Checkpoint mixed = HuggingFaceCheckpoints.load(first).interpolate(HuggingFaceCheckpoints.load(second), weight);
        HuggingFaceCheckpoints.save(mixed, out, Safetensors.DType.F32);
        System.out.printf("average: %s = %.3f x %s + %.3f x %s%n", out, 1 - weight, first, weight, second);
        return 0;
    }
}
