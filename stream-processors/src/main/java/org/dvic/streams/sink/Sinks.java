package org.dvic.streams.sink;

import com.datastax.oss.driver.api.core.CqlSession;
import org.dvic.protocol.event.MetricRollup;
import org.dvic.protocol.topic.Topics;
import org.dvic.store.LogRepository;
import org.dvic.store.NodeRepository;
import org.dvic.store.NodeStatusHistoryRepository;
import org.dvic.store.ProcessHistoryRepository;
import org.dvic.store.RawMetricRepository;
import org.dvic.store.RollupRepository;

import java.util.List;

/** Every topic the stream processors keep in Cassandra, and the repository that stores it. */
public final class Sinks {
    public static final List<String> NAMES = List.of("metrics-raw", "metrics-1m", "metrics-1h", "logs", "node-status",
            "process-status", "inventory", "registry");

    private Sinks() {
    }

    public static List<SinkDefinition<?>> all(CqlSession session, String keyspace) {
        RawMetricRepository raw = new RawMetricRepository(session, keyspace);
        RollupRepository minute = new RollupRepository(session, keyspace, MetricRollup.Resolution.MINUTE);
        RollupRepository hour = new RollupRepository(session, keyspace, MetricRollup.Resolution.HOUR);
        LogRepository logs = new LogRepository(session, keyspace);
        NodeStatusHistoryRepository status = new NodeStatusHistoryRepository(session, keyspace);
        ProcessHistoryRepository processes = new ProcessHistoryRepository(session, keyspace);
        NodeRepository nodes = new NodeRepository(session, keyspace);
        return List.of(
                new SinkDefinition<>("metrics-raw", Topics.METRICS, raw::save, s -> s.values().size()),
                new SinkDefinition<>("metrics-1m", Topics.METRICS_1M, minute::save, r -> 1),
                new SinkDefinition<>("metrics-1h", Topics.METRICS_1H, hour::save, r -> 1),
                new SinkDefinition<>("logs", Topics.LOGS, logs::save, l -> 2),
                new SinkDefinition<>("node-status", Topics.NODE_STATUS, status::save, s -> 1),
                // Transitions computed by liveness (including UNKNOWN while the node is offline), not raw reports.
                new SinkDefinition<>("process-status", Topics.PROCESS_STATUS, processes::save, p -> 1),
                new SinkDefinition<>("inventory", Topics.INVENTORY, nodes::save, i -> 1),
                // Identity columns of the same row; a registry tombstone leaves the row as it was.
                new SinkDefinition<>("registry", Topics.REGISTRY, nodes::save, r -> 1));
    }
}
