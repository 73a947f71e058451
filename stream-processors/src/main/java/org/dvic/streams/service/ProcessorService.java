package org.dvic.streams.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.streams.KafkaStreams;
import org.dvic.protocol.event.NodeStatus;
import org.dvic.protocol.event.ProcessState;
import org.dvic.streams.StreamProcessors;
import org.dvic.streams.liveness.LivenessListener;
import org.dvic.streams.sink.SinkMetrics;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The running processors with their metrics: Kafka Streams and sink-consumer client metrics (records
 * per second, consumer lag as {@code kafka_consumer_fetch_manager_records_lag_max}), sink write latency
 * ({@code dvic_sink_write_seconds}), stored events ({@code dvic_sink_events_total}), retried and
 * given-up writes, and liveness transitions by state and reason ({@code dvic_liveness_transitions_total}).
 */
@Singleton
public class ProcessorService implements AutoCloseable {
    private final StreamProcessors processors;
    private final MeterRegistry registry;
    private boolean started;
    private boolean closed;

    public ProcessorService(ProcessorSettings.Kafka kafka, ProcessorSettings.Topics topics,
                            ProcessorSettings.Cassandra cassandra, ProcessorSettings.Streams streams,
                            ProcessorSettings.Liveness liveness, ProcessorSettings.Rollups rollups,
                            ProcessorSettings.SinkConfig sinks, MeterRegistry registry) {
        this.registry = registry;
        StreamProcessors.Config config = new StreamProcessors.Config(kafka.getBootstrapServers(), topics.getNamespace(),
                streams.getApplicationId(), Path.of(streams.getStateDir()), streams.getThreads(),
                streams.getReplicationFactor(), streams.getCommitInterval(), rollups.getCommitInterval(),
                streams.getRun().contains("liveness"),
                streams.getRun().contains("rollups"), liveness.toSettings(), rollups.toSettings(),
                cassandra.toStoreSettings(), sinks.getEnabled(), sinks.toSettings());
        this.processors = new StreamProcessors(config, transitions(registry), sinkMetrics(registry), hooks(registry));
    }

    public synchronized void start() {
        if (!started) {
            started = true;
            processors.start();
        }
    }

    public StreamProcessors processors() {
        return processors;
    }

    @PreDestroy
    @Override
    public synchronized void close() {
        if (started && !closed) {
            closed = true;
            processors.close();
        }
    }

    private static LivenessListener transitions(MeterRegistry registry) {
        return new LivenessListener() {
            @Override
            public void nodeTransition(NodeStatus status) {
                registry.counter("dvic.liveness.transitions", "kind", "node", "state", status.state().name(),
                        "reason", status.reason().name()).increment();
            }

            @Override
            public void processTransition(ProcessState process) {
                registry.counter("dvic.liveness.transitions", "kind", "process", "state", process.state().name(),
                        "reason", "REPORT").increment();
            }
        };
    }

    private static SinkMetrics sinkMetrics(MeterRegistry registry) {
        return new SinkMetrics() {
            @Override
            public void batchWritten(String sink, int events, long nanos) {
                Counter.builder("dvic.sink.events").tag("sink", sink).description("events stored and committed")
                        .register(registry).increment(events);
                Timer.builder("dvic.sink.batch").tag("sink", sink).register(registry).record(nanos, TimeUnit.NANOSECONDS);
            }

            @Override
            public void eventWritten(String sink, long nanos) {
                Timer.builder("dvic.sink.write").tag("sink", sink).description("Cassandra write latency of one event")
                        .publishPercentiles(0.5, 0.99).register(registry).record(Duration.ofNanos(nanos));
            }

            @Override
            public void writeFailed(String sink, boolean retriable) {
                registry.counter("dvic.sink.write.failures", "sink", sink, "retried", String.valueOf(retriable))
                        .increment();
            }

            @Override
            public void undecodable(String sink) {
                registry.counter("dvic.sink.undecodable", "sink", sink).increment();
            }
        };
    }

    private static StreamProcessors.Hooks hooks(MeterRegistry registry) {
        return new StreamProcessors.Hooks() {
            @Override
            public void streamsStarted(String name, KafkaStreams streams) {
                new KafkaStreamsMetrics(streams, Tags.of("app", name)).bindTo(registry);
            }

            @Override
            public void sinkStarted(String name, KafkaConsumer<byte[], byte[]> consumer) {
                new KafkaClientMetrics(consumer, Tags.of("sink", name)).bindTo(registry);
            }
        };
    }
}
