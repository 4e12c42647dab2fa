package io.ttastream.state.cli;

import io.ttastream.state.CorruptSnapshotException;
import io.ttastream.state.ModelMismatchException;
import io.ttastream.state.Snapshot;
import io.ttastream.state.SnapshotCodec;
import io.ttastream.state.VersionInfo;
import io.ttastream.state.WeightStore;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tta state}: inspect and repair a weight store. Reading commands open the store
 * read-only, so they also work while the service runs; {@code import} and {@code rollback}
 * need the service stopped (RocksDB admits one writing process).
 */
@Command(name = "state", mixinStandardHelpOptions = true,
        description = "Inspect and repair the adaptation weight store.",
        subcommands = {StateCommand.Scopes.class, StateCommand.Versions.class, StateCommand.Show.class,
                StateCommand.Export.class, StateCommand.Import.class, StateCommand.Rollback.class})
public final class StateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    /** Without a subcommand: print the usage and fail. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }

    /** The {@code --store DIR} option every subcommand takes. */
    static final class StoreOption {
        @Option(names = "--store", required = true, paramLabel = "DIR", description = "State store directory.")
        Path directory;
    }

    /** Shared by the subcommands: store access, output, and turning "not found" into exit code 1. */
    abstract static class StoreSubcommand implements Callable<Integer> {
        @Mixin
        StoreOption store;

        @Spec
        CommandSpec spec;

        /** What a subcommand does with the open store; returns the exit code. */
        interface StoreAction {
            int run(WeightStore weights) throws Exception;
        }

        /** Opens the store (read-only or writable), runs the action, and maps expected failures to exit 1. */
        Integer withStore(boolean readOnly, StoreAction action) throws Exception {
            try (WeightStore weights = WeightStore.openForOperator(store.directory, readOnly)) {
                return action.run(weights);
            } catch (NoSuchElementException | IllegalArgumentException | CorruptSnapshotException
                     | ModelMismatchException e) {
                err().println("error: " + e.getMessage());
                return 1;
            }
        }

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        PrintWriter err() {
            return spec.commandLine().getErr();
        }

        /** The given version, or the head (with corruption fallback) when none was given. */
        static Snapshot snapshotOf(WeightStore weights, String scope, Long version) {
            Optional<Snapshot> snapshot = version == null
                    ? weights.latest(scope)
                    : Optional.of(weights.read(scope, version));
            return snapshot.orElseThrow(() -> new NoSuchElementException("no snapshot for scope " + scope));
        }
    }

    /** {@code tta state scopes}. */
    @Command(name = "scopes", mixinStandardHelpOptions = true, description = "List scopes with head and last known-good version.")
    static final class Scopes extends StoreSubcommand {
        @Override
        public Integer call() throws Exception {
            return withStore(true, weights -> {
                out().println("| scope | head | last known-good | versions |");
                out().println("|---|---|---|---|");
                for (String scope : weights.scopes()) {
                    out().printf("| %s | %s | %s | %d |%n", scope, text(weights.head(scope)),
                            text(weights.lastKnownGood(scope)), weights.versions(scope).size());
                }
                return 0;
            });
        }
    }

    /** {@code tta state versions SCOPE}. */
    @Command(name = "versions", mixinStandardHelpOptions = true, description = "List the stored versions of a scope.")
    static final class Versions extends StoreSubcommand {
        @Parameters(index = "0", paramLabel = "SCOPE")
        String scope;

        @Override
        public Integer call() throws Exception {
            return withStore(true, weights -> {
                var infos = weights.versions(scope);
                if (infos.isEmpty()) {
                    throw new NoSuchElementException("no versions for scope " + scope);
                }
                out().println("| version | created | head | known-good | floats | bytes | tags |");
                out().println("|---|---|---|---|---|---|---|");
                for (VersionInfo info : infos) {
                    out().printf("| %d | %s | %s | %s | %d | %d | %s |%n", info.version(),
                            Instant.ofEpochMilli(info.createdAtMillis()), info.head() ? "*" : "",
                            info.knownGood() ? "yes" : "", info.parameterCount(), info.encodedBytes(), info.tags());
                }
                return 0;
            });
        }
    }

    /** {@code tta state show SCOPE [VERSION]}. */
    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show a snapshot's metadata (default: the head).")
    static final class Show extends StoreSubcommand {
        @Parameters(index = "0", paramLabel = "SCOPE")
        String scope;

        @Parameters(index = "1", arity = "0..1", paramLabel = "VERSION")
        Long version;

        @Override
        public Integer call() throws Exception {
            return withStore(true, weights -> {
                Snapshot snapshot = snapshotOf(weights, scope, version);
                VersionInfo info = weights.versions(scope).stream()
                        .filter(v -> v.version() == snapshot.version()).findFirst().orElseThrow();
                PrintWriter out = out();
                out.println("scope:          " + snapshot.scope());
                out.println("version:        " + snapshot.version() + (info.head() ? " (head)" : ""));
                out.println("model:          " + snapshot.modelId());
                out.println("created:        " + Instant.ofEpochMilli(snapshot.createdAtMillis()));
                out.println("known-good:     " + snapshot.knownGood());
                out.println("format version: " + info.formatVersion());
                out.printf("checksum:       CRC32C %08x (verified)%n", info.checksum());
                out.println("stored bytes:   " + info.encodedBytes());
                out.println("position:       " + snapshot.position());
                out.println("tags:           " + snapshot.tags());
                out.println("tensors:        " + snapshot.tensors().size() + ", " + snapshot.parameterCount() + " floats");
                snapshot.tensors().forEach(tensor -> out.println("  " + tensor));
                out.println("strategy state: " + snapshot.strategyState().size());
                snapshot.strategyState().forEach((name, blob) -> out.println("  " + name + " (" + blob.length + " bytes)"));
                return 0;
            });
        }
    }

    /** {@code tta state export SCOPE [VERSION] --out FILE}. */
    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Write a snapshot (default: the head) to a file in the snapshot codec format.")
    static final class Export extends StoreSubcommand {
        @Parameters(index = "0", paramLabel = "SCOPE")
        String scope;

        @Parameters(index = "1", arity = "0..1", paramLabel = "VERSION")
        Long version;

        @Option(names = "--out", required = true, paramLabel = "FILE")
        Path file;

        @Override
        public Integer call() throws Exception {
            return withStore(true, weights -> {
                Snapshot snapshot = snapshotOf(weights, scope, version);
                byte[] encoded = SnapshotCodec.encode(snapshot);
                Files.write(file, encoded);
                out().println("exported " + scope + " v" + snapshot.version() + " (" + encoded.length + " bytes) to " + file);
                return 0;
            });
        }
    }

    /** {@code tta state import FILE [--scope SCOPE]}. */
    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Verify a snapshot file and commit it as the new head of its scope.")
    static final class Import extends StoreSubcommand {
        @Parameters(index = "0", paramLabel = "FILE")
        Path file;

        @Option(names = "--scope", paramLabel = "SCOPE", description = "Import into this scope instead of the file's.")
        String scope;

        @Override
        public Integer call() throws Exception {
            return withStore(false, weights -> {
                Snapshot snapshot = SnapshotCodec.decode(Files.readAllBytes(file));
                Snapshot target = scope == null ? snapshot : snapshot.withScope(scope);
                long version = weights.commit(target);
                out().println("imported " + file + " as " + target.scope() + " v" + version
                        + (target.knownGood() ? " (known-good)" : ""));
                return 0;
            });
        }
    }

    /** {@code tta state rollback SCOPE (VERSION | --last-known-good)}. */
    @Command(name = "rollback", mixinStandardHelpOptions = true,
            description = "Move a scope's head to an earlier version; later versions stay stored.")
    static final class Rollback extends StoreSubcommand {
        @Parameters(index = "0", paramLabel = "SCOPE")
        String scope;

        @Parameters(index = "1", arity = "0..1", paramLabel = "VERSION")
        Long version;

        @Option(names = "--last-known-good", description = "Roll back to the newest known-good version.")
        boolean lastKnownGood;

        @Override
        public Integer call() throws Exception {
            if ((version == null) == !lastKnownGood) {
                err().println("error: give either VERSION or --last-known-good");
                return 2;
            }
            return withStore(false, weights -> {
                long target = lastKnownGood
                        ? weights.lastKnownGood(scope).orElseThrow(
                                () -> new NoSuchElementException("scope " + scope + " has no known-good version"))
                        : version;
                weights.rollback(scope, target);
                out().println("rolled " + scope + " back to v" + target);
                return 0;
            });
        }
    }

    private static String text(OptionalLong value) {
        return value.isPresent() ? Long.toString(value.getAsLong()) : "-";
    }
}
