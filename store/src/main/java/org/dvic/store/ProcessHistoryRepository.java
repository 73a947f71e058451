package org.dvic.store;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import org.dvic.protocol.event.ProcessState;
import org.dvic.protocol.event.ProcessStatus;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/** Table {@code process_history}: demo process state changes of a node, keyed by (time, token). */
public final class ProcessHistoryRepository {
    private final CqlSession session;
    private final PreparedStatement insert;
    private final PreparedStatement range;

    public ProcessHistoryRepository(CqlSession session, String keyspace) {
        this.session = session;
        this.insert = session.prepare("INSERT INTO " + keyspace + ".process_history (node_id, bucket, ts, demo_token, seq, pid,"
                + " start_time, demo, exe, state, exit_code, container) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        this.range = session.prepare("SELECT * FROM " + keyspace
                + ".process_history WHERE node_id = ? AND bucket = ? AND ts >= ? AND ts <= ?");
    }

    public CompletionStage<Void> save(ProcessState p) {
        return session.executeAsync(insert.bind(p.nodeId(), TimeBuckets.month(p.ts()), Instant.ofEpochMilli(p.ts()),
                p.token(), p.seq(), p.pid(), p.startTime(), p.demo(), p.exe(), p.state().name(), p.exitCode(),
                p.container()).setQueryTimestamp(Writes.writeTime(p.ts()))).thenApply(rs -> null);
    }

    /** Changes in [from, to], newest first. */
    public List<ProcessState> range(UUID nodeId, long fromMs, long toMs) {
        List<ProcessState> changes = new ArrayList<>();
        for (var bucket : TimeBuckets.months(fromMs, toMs)) {
            for (Row row : session.execute(range.bind(nodeId, bucket, Instant.ofEpochMilli(fromMs),
                    Instant.ofEpochMilli(toMs)))) {
                changes.add(new ProcessState(nodeId, row.getLong("seq"), row.getInstant("ts").toEpochMilli(),
                        row.getString("demo_token"), row.getLong("pid"), row.getLong("start_time"), row.getString("demo"),
                        row.getString("exe"), ProcessStatus.valueOf(row.getString("state")),
                        row.isNull("exit_code") ? null : row.getInt("exit_code"), row.getString("container")));
            }
        }
        return changes;
    }
}
