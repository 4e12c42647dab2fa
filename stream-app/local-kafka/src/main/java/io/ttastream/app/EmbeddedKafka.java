package io.ttastream.app;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real single-node KRaft Kafka broker in a child JVM, started from the Kafka jars on this JVM's
 * class path (the tta jar carries them; no Docker): the recipe of ../shared/INFRA-NOTES.md. Uses
 * KAFKA_BOOTSTRAP_SERVERS instead when that is set, so the demo and the tests run against any broker.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private final Process process;
    private final String bootstrap;

    private EmbeddedKafka(Process process, String bootstrap) {
        this.process = process;
        this.bootstrap = bootstrap;
    }

    public static EmbeddedKafka start(Path dir) throws Exception {
        String external = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
        if (external != null && !external.isBlank()) {
            return new EmbeddedKafka(null, external);
        }
        int port = freePort();
        int controllerPort = freePort();
        Path config = dir.resolve("server.properties");
        Files.writeString(config, String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                "log.dirs=" + dir.resolve("logs"),
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                ""));
        Path log = dir.resolve("broker.log");
        run(List.of("kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(), "-c", config.toString()),
                dir.resolve("format.log")).waitFor(60, TimeUnit.SECONDS);
        Process broker = run(List.of("kafka.Kafka", config.toString()), log);
        String bootstrap = "127.0.0.1:" + port;
        EmbeddedKafka result = new EmbeddedKafka(broker, bootstrap);
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            while (true) {
                try {
                    admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                    return result;
                } catch (Exception notYet) {
                    if (!broker.isAlive() || System.nanoTime() > deadline) {
                        result.close();
                        throw new IllegalStateException("Kafka broker did not start; see " + log + ":\n"
                                + tail(log), notYet);
                    }
                    Thread.sleep(250);
                }
            }
        }
    }

    public String bootstrap() {
        return bootstrap;
    }

    private static Process run(List<String> mainAndArgs, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new java.util.ArrayList<>(List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path")));
        command.addAll(mainAndArgs);
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }
}
