package org.dvic.devstack;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real single-node Kafka broker (KRaft, combined broker + controller) from the Maven Central
 * artifacts, as a child process with its state under {@code stateDir}. Restartable on the same state.
 */
public final class KafkaNode implements AutoCloseable {
    private static final String CLUSTER_ID = "ZHZpYy1kZXZzdGFjay0xMQ";

    private final int port;
    private final int controllerPort;
    private final Path dir;
    private final int heapMb;
    private ChildProcess process;

    public KafkaNode(int port, int controllerPort, Path stateDir, int heapMb) {
        this.port = port;
        this.controllerPort = controllerPort;
        this.dir = stateDir.resolve("kafka");
        this.heapMb = heapMb;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Starts the broker and returns once it answers a metadata request. */
    public synchronized void start(Duration timeout) throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            return;
        }
        if (Ports.listening(port)) {
            throw new IllegalStateException("port " + port + " is taken: is another Kafka running? (--kafka-port)");
        }
        Files.createDirectories(dir);
        Path config = writeConfig();
        Path log4j = writeLogConfig();
        String classpath = EngineClasspath.of("kafka");
        if (!Files.exists(dir.resolve("data/meta.properties"))) {
            format(classpath, config, log4j);
        }
        process = ChildProcess.start("kafka", java(classpath, log4j, "kafka.Kafka", config.toString()), Map.of(), dir,
                dir.resolve("logs/kafka.out"));
        awaitReady(timeout);
    }

    private void format(String classpath, Path config, Path log4j) throws IOException, InterruptedException {
        List<String> cmd = java(classpath, log4j, "kafka.tools.StorageTool", "format", "-t", CLUSTER_ID, "-c",
                config.toString(), "-g");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("format.out").toFile())).start();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("kafka storage format failed: see " + dir.resolve("format.out"));
        }
    }

    private List<String> java(String classpath, Path log4j, String main, String... args) {
        List<String> cmd = new ArrayList<>(List.of(javaBinary(), "-Xms" + heapMb + "m", "-Xmx" + heapMb + "m",
                "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20", "-Djava.awt.headless=true",
                "-Dlog4j2.configurationFile=" + log4j, "-Dkafka.logs.dir=" + dir.resolve("logs"),
                "-cp", classpath, main));
        cmd.addAll(List.of(args));
        return cmd;
    }

    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private void awaitReady(Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        // Wait for the port before making an admin client: it logs every refused connection.
        while (!Ports.listening(port)) {
            checkAlive(deadline, timeout);
            Thread.sleep(200);
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000))) {
            while (true) {
                checkAlive(deadline, timeout);
                try {
                    if (!admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    // listening, not serving yet
                }
                Thread.sleep(200);
            }
        }
    }

    private void checkAlive(Instant deadline, Duration timeout) {
        if (!process.isAlive()) {
            throw new IllegalStateException("kafka exited during start-up:\n" + process.logTail(30));
        }
        if (Instant.now().isAfter(deadline)) {
            throw new IllegalStateException("kafka not ready after " + timeout + ":\n" + process.logTail(30));
        }
    }

    private Path writeConfig() throws IOException {
        Path config = dir.resolve("server.properties");
        Files.writeString(config, String.join("\n",
                "# written by the devstack at every start",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + dir.resolve("data"),
                "num.partitions=1",
                "auto.create.topics.enable=false",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=6",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=6",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "log.segment.bytes=67108864",
                "") + "\n");
        return config;
    }

    private Path writeLogConfig() throws IOException {
        Path config = dir.resolve("log4j2.properties");
        Files.writeString(config, String.join("\n",
                "rootLogger.level=WARN",
                "rootLogger.appenderRef.out.ref=out",
                "appender.out.type=Console",
                "appender.out.name=out",
                "appender.out.layout.type=PatternLayout",
                "appender.out.layout.pattern=%d{ISO8601} %-5p [%c{1}] %m%n",
                "logger.kafka.name=kafka.server.KafkaRaftServer",
                "logger.kafka.level=INFO",
                "") + "\n");
        return config;
    }

    public synchronized void stop() {
        if (process != null) {
            process.stop(Duration.ofSeconds(30));
            process = null;
        }
    }

    @Override
    public void close() {
        stop();
    }
}
