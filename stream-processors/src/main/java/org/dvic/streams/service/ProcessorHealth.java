package org.dvic.streams.service;

import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.AbstractHealthIndicator;
import jakarta.inject.Singleton;
import org.apache.kafka.streams.KafkaStreams;
import org.dvic.streams.StreamProcessors;
import org.dvic.streams.sink.CassandraSink;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * UP when every Kafka Streams application is running (or rebalancing) and every sink is writing;
 * DOWN while Cassandra is unreachable (sinks paused or not connected) or a topology has failed.
 */
@Singleton
public class ProcessorHealth extends AbstractHealthIndicator<Map<String, Object>> {
    private final ProcessorService service;

    public ProcessorHealth(ProcessorService service) {
        this.service = service;
    }

    @Override
    protected Map<String, Object> getHealthInformation() {
        StreamProcessors p = service.processors();
        boolean up = true;
        Map<String, Object> details = new LinkedHashMap<>();
        for (Map.Entry<String, KafkaStreams> e : p.streams().entrySet()) {
            KafkaStreams.State state = e.getValue().state();
            details.put(e.getKey(), state.name());
            up &= state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING;
        }
        if (p.sinksExpected()) {
            if (p.cassandraProblem() != null) {
                details.put("cassandra", p.cassandraProblem());
                up = false;
            }
            for (CassandraSink<?> sink : p.sinks()) {
                String state = sink.finished() ? "STOPPED" : sink.paused()
                        ? "PAUSED since " + Instant.ofEpochMilli(sink.pausedSinceMs()) + " (Cassandra refuses writes)"
                        : "WRITING";
                details.put("sink." + sink.name(), state);
                up &= !sink.finished() && !sink.paused();
            }
        }
        healthStatus = up ? HealthStatus.UP : HealthStatus.DOWN;
        return details;
    }

    @Override
    protected String getName() {
        return "stream-processors";
    }
}
