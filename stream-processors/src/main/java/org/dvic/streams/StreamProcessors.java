package org.dvic.streams;

import com.datastax.oss.driver.api.core.CqlSession;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.dvic.store.CassandraStore;
import org.dvic.store.StoreSettings;
import org.dvic.streams.liveness.LivenessListener;
import org.dvic.streams.liveness.LivenessSettings;
import org.dvic.streams.liveness.LivenessTopology;
import org.dvic.streams.rollup.RollupTopology;
import org.dvic.streams.sink.CassandraSink;
import org.dvic.streams.sink.SinkDefinition;
import org.dvic.streams.sink.SinkMetrics;
import org.dvic.streams.sink.SinkSettings;
import org.dvic.streams.sink.Sinks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The small factory that wires the pure topologies and the sinks to real Kafka and Cassandra:
 * one Kafka Streams application per topology ({@code <application-id>-liveness},
 * {@code <application-id>-rollups}, exactly_once_v2) and one consumer group per sink
 * ({@code <application-id>-sink-<name>}). Used by the service, the integration tests and the benchmark.
 */
public final class StreamProcessors implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamProcessors.class);

    /**
     * The rollups' default exactly-once commit interval. Every commit waits for the broker to
     * acknowledge what the task wrote (window changelogs, results) and for the transaction to commit;
     * every 100 ms that waiting took a third of the rollup thread's time. A minute is emitted at least
     * its grace period (30 s) after it ends, so a second more is of no consequence to anyone.
     */
    public static final Duration ROLLUP_COMMIT_INTERVAL = Duration.ofSeconds(1);

    /**
     * @param commitInterval       exactly-once commit interval of the liveness application (its output latency)
     * @param rollupCommitInterval exactly-once commit interval of the rollups application
     * @param store                null: no sinks
     */
    public record Config(String bootstrapServers, String namespace, String applicationId, Path stateDir, int threads,
                         int replicationFactor, Duration commitInterval, Duration rollupCommitInterval,
                         boolean liveness, boolean rollups,
                         LivenessSettings livenessSettings, RollupTopology.Settings rollupSettings,
                         StoreSettings store, List<String> sinks, SinkSettings sinkSettings) {
    }

    /** Hooks for metrics: told when each Kafka client exists. */
    public interface Hooks {
        Hooks NONE = new Hooks() { };

        default void streamsStarted(String name, KafkaStreams streams) {
        }

        default void sinkStarted(String name, KafkaConsumer<byte[], byte[]> consumer) {
        }
    }

    private final Config config;
    private final LivenessListener livenessListener;
    private final SinkMetrics sinkMetrics;
    private final Hooks hooks;
    private final Map<String, KafkaStreams> streams = new LinkedHashMap<>();
    private final List<CassandraSink<?>> sinks = new CopyOnWriteArrayList<>();
    private final List<Thread> sinkThreads = new ArrayList<>();
    private volatile CqlSession session;
    private volatile String cassandraProblem = "not connected yet";
    private volatile boolean closing;
    private Thread connector;

    public StreamProcessors(Config config, LivenessListener livenessListener, SinkMetrics sinkMetrics, Hooks hooks) {
        this.config = config;
        this.livenessListener = livenessListener;
        this.sinkMetrics = sinkMetrics;
        this.hooks = hooks;
    }

    public synchronized void start() {
        if (config.liveness()) {
            startStreams("liveness", LivenessTopology.build(config.namespace(), config.livenessSettings(),
                    livenessListener));
        }
        if (config.rollups()) {
            startStreams("rollups", RollupTopology.build(config.namespace(), config.rollupSettings()));
        }
        if (config.store() != null && !config.sinks().isEmpty()) {
            // Cassandra may come up after us: connect in the background, /health says DOWN meanwhile.
            connector = new Thread(this::connectAndStartSinks, "dvic-sinks-connect");
            connector.setDaemon(true);
            connector.start();
        }
    }

    /** The Kafka Streams properties of one application of ours. */
    public static Properties streamsProperties(Config config, String part) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId() + "-" + part);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.threads());
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, config.replicationFactor());
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, ("rollups".equals(part) ? config.rollupCommitInterval()
                : config.commitInterval()).toMillis());
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
        return p;
    }

    private void startStreams(String part, Topology topology) {
        KafkaStreams ks = new KafkaStreams(topology, streamsProperties(config, part));
        ks.setUncaughtExceptionHandler(e -> {
            LOG.error("{}: stream thread failed, replacing it: {}", part, e.toString(), e);
            return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse
                    .REPLACE_THREAD;
        });
        ks.setStateListener((now, before) -> LOG.info("{}: {} -> {}", part, before, now));
        streams.put(part, ks);
        hooks.streamsStarted(part, ks);
        ks.start();
    }

    private void connectAndStartSinks() {
        long backoff = 1000;
        while (!closing && session == null) {
            try {
                session = CassandraStore.open(config.store());
                cassandraProblem = null;
                LOG.info("connected to Cassandra, keyspace {}", config.store().keyspace());
            } catch (RuntimeException e) {
                cassandraProblem = e.toString();
                LOG.warn("cannot reach Cassandra yet ({}); retrying in {} ms", e.getMessage(), backoff);
                sleep(backoff);
                backoff = Math.min(backoff * 2, 10_000);
            }
        }
        synchronized (this) {
            if (closing) {
                return;
            }
            Map<String, Object> kafka = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
            for (SinkDefinition<?> definition : Sinks.all(session, config.store().keyspace())) {
                if (!config.sinks().contains(definition.name())) {
                    continue;
                }
                CassandraSink<?> sink = new CassandraSink<>(definition, config.namespace(),
                        config.applicationId() + "-sink-", kafka, config.sinkSettings(), sinkMetrics);
                sinks.add(sink);
                hooks.sinkStarted(definition.name(), sink.consumer());
                Thread t = new Thread(sink, "dvic-sink-" + definition.name());
                sinkThreads.add(t);
                t.start();
            }
        }
    }

    public Map<String, KafkaStreams> streams() {
        return streams;
    }

    public List<CassandraSink<?>> sinks() {
        return sinks;
    }

    /** Why the sinks are not running, or null when connected. */
    public String cassandraProblem() {
        return cassandraProblem;
    }

    public boolean sinksExpected() {
        return config.store() != null && !config.sinks().isEmpty();
    }

    /** Stops the sinks (each finishes or abandons its batch, uncommitted), then the streams (committing). */
    @Override
    public synchronized void close() {
        closing = true;
        sinks.forEach(CassandraSink::close);
        for (Thread t : sinkThreads) {
            try {
                t.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        streams.forEach((part, ks) -> {
            if (!ks.close(Duration.ofSeconds(30))) {
                LOG.warn("{}: did not stop within 30 s", part);
            }
        });
        if (session != null) {
            session.close();
        }
        LOG.info("stream processors stopped");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** For consumers of ours elsewhere (benchmarks): a consumer's lag on a sink is its group's. */
    public static String sinkGroup(String applicationId, String sink) {
        return applicationId + "-sink-" + sink;
    }

}
