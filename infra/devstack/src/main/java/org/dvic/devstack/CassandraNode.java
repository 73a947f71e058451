package org.dvic.devstack;

import com.datastax.oss.driver.api.core.CqlSession;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real Cassandra 5.0 node from the Maven Central artifacts, as a child JDK 17 process with its
 * state under {@code stateDir}. Restartable on the same state (tests stop it to prove sinks survive).
 */
public final class CassandraNode implements AutoCloseable {
    private final int nativePort;
    private final int storagePort;
    private final int jmxPort;
    private final Path dir;
    private final int heapMb;
    private ChildProcess process;

    public CassandraNode(int nativePort, int storagePort, int jmxPort, Path stateDir, int heapMb) {
        this.nativePort = nativePort;
        this.storagePort = storagePort;
        this.jmxPort = jmxPort;
        this.dir = stateDir.resolve("cassandra");
        this.heapMb = heapMb;
    }

    public int nativePort() {
        return nativePort;
    }

    public String contactPoint() {
        return "127.0.0.1:" + nativePort;
    }

    /** A plain session without a keyspace; the store module's CassandraStore adds migrations. */
    public CqlSession connect() {
        return CqlSession.builder().addContactPoint(new java.net.InetSocketAddress("127.0.0.1", nativePort))
                .withLocalDatacenter("datacenter1").build();
    }

    /** Starts the node and returns once it answers CQL. */
    public synchronized void start(Duration timeout) throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            return;
        }
        for (int port : new int[]{nativePort, storagePort}) {
            if (Ports.listening(port)) {
                throw new IllegalStateException("port " + port + " is taken: is another Cassandra running?");
            }
        }
        Files.createDirectories(dir);
        Path yaml = writeConfig();
        Path logback = writeLogConfig();
        String classpath = EngineClasspath.of("cassandra");
        process = ChildProcess.start("cassandra", command(classpath, yaml, logback), Map.of(), dir,
                dir.resolve("logs/cassandra.out"));
        awaitReady(timeout);
    }

    private List<String> command(String classpath, Path yaml, Path logback) {
        List<String> cmd = new ArrayList<>(List.of(KafkaNode.javaBinary(),
                "-Xms" + heapMb + "m", "-Xmx" + heapMb + "m", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=300",
                "-Xss256k",
                "-Djdk.attach.allowAttachSelf=true", "-Dio.netty.tryReflectionSetAccessible=true",
                "-Djava.net.preferIPv4Stack=true",
                "-javaagent:" + EngineClasspath.jar(classpath, "jamm-"),
                "-Dcassandra.config=file://" + yaml,
                "-Dcassandra.storagedir=" + dir.resolve("data"),
                "-Dcassandra.logdir=" + dir.resolve("logs"),
                "-Dcassandra-foreground=yes",
                "-Dcassandra.skip_wait_for_gossip_to_settle=0",
                "-Dcassandra.ring_delay_ms=1000",
                "-Dcassandra.jmx.local.port=" + jmxPort,
                "-Dcassandra.superuser_setup_delay_ms=0",
                "-Dlogback.configurationFile=" + logback));
        for (String export : List.of("java.base/jdk.internal.misc", "java.management.rmi/com.sun.jmx.remote.internal.rmi",
                "java.rmi/sun.rmi.registry", "java.rmi/sun.rmi.server", "java.sql/java.sql", "java.base/java.lang.ref",
                "jdk.unsupported/sun.misc", "jdk.compiler/com.sun.tools.javac.file", "jdk.attach/sun.tools.attach")) {
            cmd.add("--add-exports=" + export + "=ALL-UNNAMED");
        }
        for (String open : List.of("java.base/java.lang.module", "java.base/jdk.internal.loader",
                "java.base/jdk.internal.ref", "java.base/jdk.internal.reflect", "java.base/jdk.internal.math",
                "java.base/jdk.internal.module", "java.base/jdk.internal.util.jar",
                "jdk.management/com.sun.management.internal", "java.base/sun.nio.ch", "java.base/java.io",
                "java.base/java.lang.reflect", "jdk.compiler/com.sun.tools.javac", "java.base/java.lang",
                "java.base/java.util", "java.base/java.nio")) {
            cmd.add("--add-opens=" + open + "=ALL-UNNAMED");
        }
        cmd.addAll(List.of("-cp", classpath, "org.apache.cassandra.service.CassandraDaemon"));
        return cmd;
    }

    private void awaitReady(Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("cassandra exited during start-up:\n" + process.logTail(40));
            }
            if (Ports.listening(nativePort)) {
                try (CqlSession session = connect()) {
                    session.execute("SELECT release_version FROM system.local");
                    return;
                } catch (RuntimeException e) {
                    // the port opens a moment before the node serves queries
                }
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("cassandra not ready after " + timeout + ":\n" + process.logTail(40));
            }
            Thread.sleep(250);
        }
    }

    private Path writeConfig() throws IOException {
        Path yaml = dir.resolve("cassandra.yaml");
        Files.writeString(yaml, String.join("\n",
                "# written by the devstack at every start: one node on loopback, for development and tests",
                "cluster_name: dvic-devstack",
                "num_tokens: 1",
                "allocate_tokens_for_local_replication_factor: 1",
                "partitioner: org.apache.cassandra.dht.Murmur3Partitioner",
                "endpoint_snitch: SimpleSnitch",
                "dynamic_snitch: false",
                "commitlog_sync: periodic",
                "commitlog_sync_period: 10000ms",
                "seed_provider:",
                "  - class_name: org.apache.cassandra.locator.SimpleSeedProvider",
                "    parameters:",
                "      - seeds: \"127.0.0.1:" + storagePort + "\"",
                "listen_address: 127.0.0.1",
                "rpc_address: 127.0.0.1",
                "storage_port: " + storagePort,
                "native_transport_port: " + nativePort,
                "start_native_transport: true",
                "authenticator: AllowAllAuthenticator",
                "authorizer: AllowAllAuthorizer",
                "memtable_heap_space: 128MiB",
                "memtable_offheap_space: 128MiB",
                "auto_snapshot: false",
                "hinted_handoff_enabled: false",
                "concurrent_reads: 8",
                "concurrent_writes: 16",
                "concurrent_counter_writes: 8",
                "", ""));
        return yaml;
    }

    private Path writeLogConfig() throws IOException {
        Path config = dir.resolve("logback.xml");
        Files.writeString(config, """
                <configuration>
                  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>%d{ISO8601} %-5level [%thread] %logger{20} %msg%n</pattern></encoder>
                  </appender>
                  <root level="WARN"><appender-ref ref="OUT"/></root>
                  <logger name="org.apache.cassandra.service.CassandraDaemon" level="INFO"/>
                </configuration>
                """);
        return config;
    }

    public synchronized void stop() {
        if (process != null) {
            process.stop(Duration.ofSeconds(60));
            process = null;
        }
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    @Override
    public void close() {
        stop();
    }
}
