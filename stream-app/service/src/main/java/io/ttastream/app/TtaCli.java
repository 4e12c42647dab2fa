package io.ttastream.app;

import io.ttastream.state.cli.BenchStateCommand;
import io.ttastream.state.cli.StateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
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
                AverageCommand.class,
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
        return new CommandLine(new TtaCli()).setExecutionExceptionHandler(TtaCli::reportUserError);
    }

    /**
     * An error the user can fix (a missing or unreadable file, a bad value) prints one line naming the command and exits
     * with 1; anything else is a bug and keeps its stack trace.
     */
    static int reportUserError(Exception e, CommandLine command, CommandLine.ParseResult parsed) throws Exception {
        if (!(e instanceof IOException || e instanceof UncheckedIOException || e instanceof IllegalArgumentException)) {
            throw e;
        }
        command.getErr().println("tta " + command.getCommandName() + ": " + describe(e));
        return 1;
    }

    /** The message of a user error; a missing file's exception names only the path. */
    static String describe(Exception e) {
        Throwable cause = e instanceof UncheckedIOException unchecked ? unchecked.getCause() : e;
        if (cause instanceof NoSuchFileException missing) {
            return "no such file: " + missing.getFile();
        }
        return cause.getMessage() != null ? cause.getMessage() : cause.toString();
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
