package org.dvic.devstack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The engines of the local stack: one Kafka broker and one Cassandra node, started in parallel.
 * Used by the start command (infra/local-stack) and, on free ports, by the integration-test extension.
 */
public final class DevStack implements AutoCloseable {
    public static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

    private final KafkaNode kafka;
    private final CassandraNode cassandra;

    public DevStack(Settings settings) {
        this.kafka = new KafkaNode(settings.kafkaPort(), settings.kafkaControllerPort(), settings.stateDir(),
                settings.kafkaHeapMb());
        this.cassandra = new CassandraNode(settings.cassandraPort(), settings.cassandraStoragePort(),
                settings.cassandraJmxPort(), settings.stateDir(), settings.cassandraHeapMb());
    }

    /**
     * Where the engines listen and keep their state. Tests and benchmarks use durable settings too:
     * the outage tests stop and restart Cassandra and must find every acknowledged write.
     */
    public record Settings(Path stateDir, int kafkaPort, int kafkaControllerPort, int cassandraPort,
                           int cassandraStoragePort, int cassandraJmxPort, int kafkaHeapMb, int cassandraHeapMb) {
        /** The local stack's well-known ports. */
        public static Settings standard(Path stateDir) {
            return new Settings(stateDir, 9092, 9093, 9042, 7000, 7199, 512, 1024);
        }

        /** Free ports, for tests and benchmarks that must not collide with a running local stack. */
        public static Settings ephemeral(Path stateDir) {
            int[] p = Ports.free(5);
            return new Settings(stateDir, p[0], p[1], p[2], p[3], p[4], 384, 768);
        }
    }

    /** Starts both engines in parallel and waits until both serve requests. */
    public void start() {
        CompletableFuture<Void> k = CompletableFuture.runAsync(() -> run(() -> kafka.start(READY_TIMEOUT)));
        CompletableFuture<Void> c = CompletableFuture.runAsync(() -> run(() -> cassandra.start(READY_TIMEOUT)));
        try {
            CompletableFuture.allOf(k, c).join();
        } catch (CompletionException e) {
            close();
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    public KafkaNode kafka() {
        return kafka;
    }

    public CassandraNode cassandra() {
        return cassandra;
    }

    @Override
    public void close() {
        CompletableFuture.allOf(CompletableFuture.runAsync(kafka::stop), CompletableFuture.runAsync(cassandra::stop)).join();
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void run(Step step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
