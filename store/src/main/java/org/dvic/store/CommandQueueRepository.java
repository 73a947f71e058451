package org.dvic.store;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/**
 * Table {@code command_queue}: commands waiting for their offline node, shared by every relay
 * instance. {@link #claim} is a conditional delete: of several instances claiming one command,
 * exactly one succeeds and sends (or expires) it.
 */
public final class CommandQueueRepository {
    /** How long a row outlives its deadline when no relay expires it. */
    static final long GRACE_SECONDS = 86_400;

    private final CqlSession session;
    private final PreparedStatement insert;
    private final PreparedStatement claim;
    private final PreparedStatement all;
    private final PreparedStatement byNode;

    /** One queued command; {@code command} is its JSON as on {@code dvic.commands}. */
    public record Queued(UUID nodeId, UUID commandId, long expiresAt, String command) {
    }

    public CommandQueueRepository(CqlSession session, String keyspace) {
        this.session = session;
        this.insert = session.prepare("INSERT INTO " + keyspace + ".command_queue (node_id, command_id, expires_at,"
                + " command) VALUES (?, ?, ?, ?) USING TTL ?");
        this.claim = session.prepare("DELETE FROM " + keyspace + ".command_queue WHERE node_id = ? AND command_id = ?"
                + " IF EXISTS");
        this.all = session.prepare("SELECT node_id, command_id, expires_at, command FROM " + keyspace + ".command_queue");
        this.byNode = session.prepare("SELECT node_id, command_id, expires_at, command FROM " + keyspace
                + ".command_queue WHERE node_id = ?");
    }

    public CompletionStage<Void> add(Queued q, long nowMs) {
        int ttl = (int) Math.max(1, (q.expiresAt() - nowMs) / 1000 + GRACE_SECONDS);
        return session.executeAsync(insert.bind(q.nodeId(), q.commandId(), Instant.ofEpochMilli(q.expiresAt()),
                q.command(), ttl)).thenApply(rs -> null);
    }

    /** Removes the command if it is still queued; true for the one caller that removed it. */
    public CompletionStage<Boolean> claim(UUID nodeId, UUID commandId) {
        return session.executeAsync(claim.bind(nodeId, commandId)).thenApply(rs -> rs.wasApplied());
    }

    /** Every queued command (a small table: commands wait only for offline nodes, until a deadline). */
    public List<Queued> all() {
        return read(session.execute(all.bind()));
    }

    public List<Queued> forNode(UUID nodeId) {
        return read(session.execute(byNode.bind(nodeId)));
    }

    private static List<Queued> read(Iterable<Row> rows) {
        List<Queued> out = new ArrayList<>();
        for (Row r : rows) {
            out.add(new Queued(r.getUuid("node_id"), r.getUuid("command_id"), r.getInstant("expires_at").toEpochMilli(),
                    r.getString("command")));
        }
        return out;
    }
}
