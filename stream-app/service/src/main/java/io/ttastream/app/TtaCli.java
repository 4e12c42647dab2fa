package io.ttastream.app;

import io.ttastream.state.cli.BenchStateCommand;
import io.ttastream.state.cli.StateCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code tta} command line: one subcommand per job, each with --help. */
@Command(name = "tta", mixinStandardHelpOptions = true, version = "tta-stream 0.1.0",
        description = "Continuous test-time adaptation of streaming speech recognition.",
        subcommands = {
                DemoCommand.class,
                TranscribeCommand.class,
                WerCommand.class,
                BenchCommand.class,
                BenchOpsCommand.class,
                BenchSutaCommand.class,
                BenchGpuCommand.class,
                SynthCommand.class,
                TrainCommand.class,
                ServeCommand.class,
                ProduceCommand.class,
                LoadtestCommand.class,
                StateCommand.class,
                BenchStateCommand.class,
                CommandLine.HelpCommand.class,
        })
public final class TtaCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, for tests that run commands in-process. */
    public static CommandLine commandLine() {
        return new CommandLine(new TtaCli());
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
