package io.ttastream.flink;

import io.ttastream.app.cli.DecoderOptions;
import io.ttastream.app.stream.Config;
import io.ttastream.app.stream.Topics;
import io.ttastream.asr.AdaptationDefaults;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code tta flink}: the transcription pipeline as a Flink job. Run with {@code java -jar tta-flink.jar} it starts a
 * local MiniCluster in this JVM; submitted with {@code flink run tta-flink.jar} it runs on that Flink cluster.
 */
@Command(name = "tta flink", mixinStandardHelpOptions = true, version = "tta-stream 0.1.0",
        description = "Run the Flink job: audio.frames -> asr.transcripts + tta.events (+ audio.frames.dlq), "
                + "exactly-once, RocksDB keyed state. On a local MiniCluster unless submitted with `flink run`.")
public final class FlinkCommand implements Callable<Integer> {

    @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT", description = "Kafka bootstrap servers.")
    String bootstrap;

    @Option(names = "--strategy", paramLabel = "NAME",
            description = "Adaptation strategy: source, suta, csuta, csuta-reset, fast-only, slow-only, dsuta. Default: ${DEFAULT-VALUE}.")
    String strategy = "suta";

    @Option(names = "--model", paramLabel = "DIR",
            description = "Hugging Face Wav2Vec2ForCTC checkpoint directory, visible to every task manager at this path. "
                    + "Default: the project's source model, models/source.")
    Path model;

    @Option(names = "--threads", paramLabel = "N", description = "CPU threads per adaptation task. Default: ${DEFAULT-VALUE}.")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--steps", description = "SUTA optimizer steps per utterance. Default: ${DEFAULT-VALUE} (reference).")
    int steps = io.ttastream.adaptation.suta.SutaConfig.reference().steps();

    @Option(names = "--lr", description = "SUTA learning rate. Default: for strategy suta the one the model's folder "
            + "recommends in " + AdaptationDefaults.FILE + ", else (and for the continual strategies) 2e-5 (reference).")
    Double lr;

    @Option(names = "--trainable", paramLabel = "GROUPS",
            description = "Adapted parameters: ln, feature, all, joined by +. Default: ${DEFAULT-VALUE} (reference).")
    String trainable = "ln+feature";

    @Mixin
    DecoderOptions decoding;

    @Option(names = "--parallelism", description = "Parallelism of every operator. Default: ${DEFAULT-VALUE}.")
    int parallelism = 1;

    @Option(names = "--checkpoint-interval", paramLabel = "DURATION",
            description = "Checkpoint interval (ISO-8601, e.g. PT1S); outputs become visible to read_committed consumers "
                    + "when a checkpoint completes. Default: ${DEFAULT-VALUE}.")
    Duration checkpointInterval = Duration.ofSeconds(1);

    @Option(names = "--checkpoint-dir", description = "Checkpoint directory or URI. Default: ${DEFAULT-VALUE}.")
    String checkpointDir = Path.of("runs", "flink-checkpoints").toString();

    @Option(names = "--fresh", description = "Start without state, instead of resuming from the newest checkpoint "
            + "in a local --checkpoint-dir (open utterances, sequence numbers and each scope's learned weights).")
    boolean fresh;

    @Option(names = "--group-id", description = "The source's consumer group. Default: ${DEFAULT-VALUE}.")
    String groupId = "tta-flink";

    @Option(names = "--transactional-id-prefix", description = "Prefix of the sinks' transactional ids. Default: ${DEFAULT-VALUE}.")
    String transactionalIdPrefix = "tta-flink";

    @Option(names = "--metrics-port", paramLabel = "PORT",
            description = "Serve the job's metrics (Flink's and tta's) for Prometheus on this port; off by default.")
    Integer metricsPort;

    @Option(names = "--partitions", description = "Partitions for topics this command creates. Default: ${DEFAULT-VALUE}.")
    int partitions = 1;

    public static void main(String[] args) {
        System.exit(new CommandLine(new FlinkCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path modelDir = modelDirectory();
        double learningRate = io.ttastream.adaptation.suta.SutaConfig.learningRate(lr, AdaptationDefaults.read(modelDir), strategy);
        AdaptationSettings adaptation = new AdaptationSettings(strategy, modelDir.toAbsolutePath().toString(),
                threads, steps, learningRate, trainable, decoding.spec());
        Topics.createMissing(bootstrap, partitions);

        Configuration configuration = TranscriptionJob.configuration(checkpointInterval, checkpointUri());
        configuration.set(TaskManagerOptions.NUM_TASK_SLOTS, parallelism); // used by the local MiniCluster only
        if (metricsPort != null) {
            TranscriptionJob.exposeMetrics(configuration, metricsPort);
        }
        Optional<Path> resumeFrom = fresh || checkpointDir.contains("://") ? Optional.empty()
                : TranscriptionJob.latestCheckpoint(Path.of(checkpointDir));
        resumeFrom.ifPresent(checkpoint -> configuration.set(StateRecoveryOptions.SAVEPOINT_PATH, checkpoint.toUri().toString()));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(configuration);
        env.setParallelism(parallelism);
        TranscriptionJob.build(env, new TranscriptionJob.Settings(bootstrap, groupId, transactionalIdPrefix,
                Config.defaults(), adaptation));

        JobClient job = env.executeAsync("tta-flink " + strategy);
        boolean local = env instanceof LocalStreamEnvironment;
        String where = local ? "a local MiniCluster in this JVM, parallelism " + parallelism : "the Flink cluster of `flink run`";
        System.err.printf("tta flink: job %s on %s; Kafka %s, strategy %s, model %s, %s, checkpoints every %s in %s, %s%n",
                job.getJobID(), where, bootstrap, strategy, adaptation.modelDir(), adaptation.decoding().describe(),
                checkpointInterval, checkpointUri(),
                resumeFrom.map(checkpoint -> "resumed from " + checkpoint).orElse("no state to resume from"));
        if (local) { // the job lives in this JVM: serve until stopped
            Runtime.getRuntime().addShutdownHook(new Thread(() -> job.cancel().join()));
            job.getJobExecutionResult().get();
        }
        return 0;
    }

    /** --model, else the bundled source model under the project checkout (bin/tta passes it as -Dtta.home). */
    private Path modelDirectory() {
        if (model != null) {
            return model;
        }
        Path bundled = Path.of(System.getProperty("tta.home", "."), "models", "source").normalize();
        if (!Files.isDirectory(bundled)) {
            throw new IllegalStateException("no --model given and no bundled source model at " + bundled
                    + " (bin/tta flink finds the project's models/source; with java -jar, give -Dtta.home=PROJECT or --model DIR)");
        }
        return bundled;
    }

    /** A URI as Flink's file systems want it: a plain path becomes an absolute file: URI. */
    private String checkpointUri() {
        return checkpointDir.contains("://") ? checkpointDir : Path.of(checkpointDir).toAbsolutePath().toUri().toString();
    }
}
