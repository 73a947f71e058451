package org.dvic.store;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import org.dvic.protocol.event.LogLevel;
import org.dvic.protocol.event.LogRecord;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/** Table {@code logs} (by node, source and hour) and its finder {@code log_sources} (by node and day). */
public final class LogRepository {
    private final CqlSession session;
    private final PreparedStatement insert;
    private final PreparedStatement insertSource;
    private final PreparedStatement range;
    private final PreparedStatement sources;

    public LogRepository(CqlSession session, String keyspace) {
        this.session = session;
        this.insert = session.prepare("INSERT INTO " + keyspace + ".logs (node_id, source, hour, ts, seq, level, message,"
                + " fields, exception, container) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        this.insertSource = session.prepare("INSERT INTO " + keyspace
                + ".log_sources (node_id, day, source) VALUES (?, ?, ?)");
        this.range = session.prepare("SELECT * FROM " + keyspace
                + ".logs WHERE node_id = ? AND source = ? AND hour = ? AND ts >= ? AND ts <= ? LIMIT ?");
        this.sources = session.prepare("SELECT source FROM " + keyspace + ".log_sources WHERE node_id = ? AND day = ?");
    }

    public CompletionStage<Void> save(LogRecord log) {
        long writeTime = Writes.writeTime(log.ts());
        return Writes.all(List.of(
                session.executeAsync(insert.bind(log.nodeId(), log.source(), TimeBuckets.hour(log.ts()),
                        Instant.ofEpochMilli(log.ts()), log.seq(), log.level().name(), log.message(),
                        log.fields() == null ? Map.of() : log.fields(), log.exception(), log.container())
                        .setQueryTimestamp(writeTime)),
                session.executeAsync(insertSource.bind(log.nodeId(), TimeBuckets.day(log.ts()), log.source())
                        .setQueryTimestamp(writeTime))));
    }

    /** Lines of one source in [from, to], newest first, at most {@code limit}. */
    public List<LogRecord> range(UUID nodeId, String source, long fromMs, long toMs, int limit) {
        List<LogRecord> lines = new ArrayList<>();
        for (Instant hour : TimeBuckets.hours(fromMs, toMs)) {
            if (lines.size() >= limit) {
                break;
            }
            for (Row row : session.execute(range.bind(nodeId, source, hour, Instant.ofEpochMilli(fromMs),
                    Instant.ofEpochMilli(toMs), limit - lines.size()))) {
                Map<String, String> fields = row.getMap("fields", String.class, String.class);
                lines.add(new LogRecord(nodeId, row.getLong("seq"), row.getInstant("ts").toEpochMilli(), source,
                        LogLevel.valueOf(row.getString("level")), row.getString("message"),
                        fields == null || fields.isEmpty() ? null : fields, row.getString("exception"),
                        row.getString("container")));
            }
        }
        return lines;
    }

    /** The sources a node logged from in [from, to]. */
    public List<String> sources(UUID nodeId, long fromMs, long toMs) {
        List<String> found = new ArrayList<>();
        for (var day : TimeBuckets.days(fromMs, toMs)) {
            for (Row row : session.execute(sources.bind(nodeId, day))) {
                if (!found.contains(row.getString("source"))) {
                    found.add(row.getString("source"));
                }
            }
        }
        return found;
    }
}
