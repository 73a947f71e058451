package org.dvic.store;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import org.dvic.protocol.event.NodeStatus;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/** Table {@code node_status_history}: a node's liveness transitions, keyed by the transition time. */
public final class NodeStatusHistoryRepository {
    private final CqlSession session;
    private final PreparedStatement insert;
    private final PreparedStatement range;

    public NodeStatusHistoryRepository(CqlSession session, String keyspace) {
        this.session = session;
        this.insert = session.prepare("INSERT INTO " + keyspace
                + ".node_status_history (node_id, bucket, since, state, reason, last_seen) VALUES (?, ?, ?, ?, ?, ?)");
        this.range = session.prepare("SELECT * FROM " + keyspace
                + ".node_status_history WHERE node_id = ? AND bucket = ? AND since >= ? AND since <= ?");
    }

    public CompletionStage<Void> save(NodeStatus status) {
        return session.executeAsync(insert.bind(status.nodeId(), TimeBuckets.month(status.since()),
                Instant.ofEpochMilli(status.since()), status.state().name(), status.reason().name(),
                Instant.ofEpochMilli(status.lastSeen())).setQueryTimestamp(Writes.writeTime(status.since())))
                .thenApply(rs -> null);
    }

    /** Transitions in [from, to], newest first. */
    public List<NodeStatus> range(UUID nodeId, long fromMs, long toMs) {
        List<NodeStatus> changes = new ArrayList<>();
        for (var bucket : TimeBuckets.months(fromMs, toMs)) {
            for (Row row : session.execute(range.bind(nodeId, bucket, Instant.ofEpochMilli(fromMs),
                    Instant.ofEpochMilli(toMs)))) {
                changes.add(new NodeStatus(nodeId, NodeStatus.NodeState.valueOf(row.getString("state")),
                        row.getInstant("since").toEpochMilli(), NodeStatus.StatusReason.valueOf(row.getString("reason")),
                        row.getInstant("last_seen").toEpochMilli()));
            }
        }
        return changes;
    }
}
