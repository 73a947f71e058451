package org.dvic.store;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import org.dvic.protocol.event.MetricSample;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/** Table {@code metrics_raw}: one row per reading, keyed (node, metric, day, ts). */
public final class RawMetricRepository {
    private final CqlSession session;
    private final PreparedStatement insert;
    private final PreparedStatement range;

    public RawMetricRepository(CqlSession session, String keyspace) {
        this.session = session;
        this.insert = session.prepare("INSERT INTO " + keyspace
                + ".metrics_raw (node_id, metric, day, ts, value, seq) VALUES (?, ?, ?, ?, ?, ?)");
        this.range = session.prepare("SELECT ts, value FROM " + keyspace
                + ".metrics_raw WHERE node_id = ? AND metric = ? AND day = ? AND ts >= ? AND ts <= ?");
    }

    /** A reading at an instant. */
    public record Point(long ts, double value) {
    }

    public CompletionStage<Void> save(MetricSample sample) {
        List<CompletionStage<?>> writes = new ArrayList<>(sample.values().size());
        Instant ts = Instant.ofEpochMilli(sample.ts());
        sample.values().forEach((metric, value) -> {
            BoundStatement bound = insert.bind(sample.nodeId(), metric, TimeBuckets.day(sample.ts()), ts, value,
                    sample.seq()).setQueryTimestamp(Writes.writeTime(sample.ts()));
            writes.add(session.executeAsync(bound));
        });
        return Writes.all(writes);
    }

    /** Readings of one metric in [from, to], newest first. */
    public List<Point> range(UUID nodeId, String metric, long fromMs, long toMs) {
        List<Point> points = new ArrayList<>();
        for (var day : TimeBuckets.days(fromMs, toMs)) {
            for (Row row : session.execute(range.bind(nodeId, metric, day, Instant.ofEpochMilli(fromMs),
                    Instant.ofEpochMilli(toMs)))) {
                points.add(new Point(row.getInstant("ts").toEpochMilli(), row.getDouble("value")));
            }
        }
        return points;
    }
}
