package org.dvic.store;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import org.dvic.protocol.event.MetricRollup;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/**
 * Tables {@code metrics_1m} (month buckets) and {@code metrics_1h} (year buckets): one instance per
 * table, chosen by resolution. A window's final result is written once; a replay overwrites it.
 */
public final class RollupRepository {
    private final CqlSession session;
    private final MetricRollup.Resolution resolution;
    private final PreparedStatement insert;
    private final PreparedStatement range;

    public RollupRepository(CqlSession session, String keyspace, MetricRollup.Resolution resolution) {
        this.session = session;
        this.resolution = resolution;
        String table = keyspace + "." + table(resolution);
        this.insert = session.prepare("INSERT INTO " + table
                + " (node_id, metric, bucket, window_start, min, max, sum, count, last) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
        this.range = session.prepare("SELECT * FROM " + table
                + " WHERE node_id = ? AND metric = ? AND bucket = ? AND window_start >= ? AND window_start <= ?");
    }

    public static String table(MetricRollup.Resolution resolution) {
        return resolution == MetricRollup.Resolution.MINUTE ? "metrics_1m" : "metrics_1h";
    }

    public CompletionStage<Void> save(MetricRollup rollup) {
        if (rollup.resolution() != resolution) {
            throw new IllegalArgumentException("a " + rollup.resolution() + " rollup sent to " + table(resolution));
        }
        return session.executeAsync(insert.bind(rollup.nodeId(), rollup.metric(), bucket(rollup.windowStart()),
                        Instant.ofEpochMilli(rollup.windowStart()), rollup.min(), rollup.max(), rollup.sum(),
                        rollup.count(), rollup.last()).setQueryTimestamp(Writes.writeTime(rollup.windowEnd())))
                .thenApply(rs -> null);
    }

    /** Windows of one metric starting in [from, to], newest first. */
    public List<MetricRollup> range(UUID nodeId, String metric, long fromMs, long toMs) {
        List<LocalDate> buckets = resolution == MetricRollup.Resolution.MINUTE
                ? TimeBuckets.months(fromMs, toMs) : TimeBuckets.years(fromMs, toMs);
        long width = resolution.window().toMillis();
        List<MetricRollup> rollups = new ArrayList<>();
        for (LocalDate bucket : buckets) {
            for (Row row : session.execute(range.bind(nodeId, metric, bucket, Instant.ofEpochMilli(fromMs),
                    Instant.ofEpochMilli(toMs)))) {
                long start = row.getInstant("window_start").toEpochMilli();
                rollups.add(new MetricRollup(nodeId, metric, resolution, start, start + width, row.getDouble("min"),
                        row.getDouble("max"), row.getDouble("sum"), row.getLong("count"), row.getDouble("last")));
            }
        }
        return rollups;
    }

    private LocalDate bucket(long windowStart) {
        return resolution == MetricRollup.Resolution.MINUTE ? TimeBuckets.month(windowStart) : TimeBuckets.year(windowStart);
    }
}
