package org.dvic.streams.it;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.dvic.devstack.junit.DevStackExtension;
import org.dvic.devstack.junit.TestStack;
import org.dvic.protocol.event.LogLevel;
import org.dvic.protocol.event.LogRecord;
import org.dvic.protocol.event.MetricSample;
import org.dvic.protocol.topic.Topics;
import org.dvic.store.CassandraStore;
import org.dvic.store.StoreSettings;
import org.dvic.streams.StreamProcessors;
import org.dvic.streams.sink.CassandraSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sinks survive a Cassandra outage: the real node is stopped for 30 s in the middle of a steady
 * stream and restarted on the same state; afterwards every event is stored exactly once.
 */
@ExtendWith(DevStackExtension.class)
class CassandraOutageIT {
    @TempDir
    Path stateDir;

    @Test
    void aThirtySecondOutageLosesNothingAndDuplicatesNothing(TestStack stack) throws Exception {
        // Given the raw-metrics and logs sinks running against a migrated keyspace
        StoreSettings store = StoreSettings.local(stack.cassandraPort(), stack.keyspace());
        CassandraStore.open(store).close();
        List<UUID> nodes = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
        // Counted when Kafka acknowledges them: the events the pipeline owes to Cassandra
        Map<UUID, AtomicInteger> samplesPerNode = new ConcurrentHashMap<>();
        AtomicInteger samples = new AtomicInteger();
        AtomicInteger logLines = new AtomicInteger();
        Queue<Exception> sendFailures = new ConcurrentLinkedQueue<>();
        AtomicBoolean producing = new AtomicBoolean(true);
        try (StreamProcessors processors = ItSupport.start(ItSupport.config(stack, stateDir, false,
                List.of("metrics-raw", "logs")));
             KafkaProducer<String, byte[]> producer = ItSupport.producer(stack)) {
            // And a steady stream: every node sends a sample (2 readings) and a log line every 100 ms
            long base = System.currentTimeMillis();
            Thread stream = new Thread(() -> {
                long seq = 0;
                while (producing.get()) {
                    seq++;
                    for (UUID node : nodes) {
                        long ts = base + seq * 100;
                        ItSupport.send(producer, stack, Topics.METRICS, node, new MetricSample(node, 2 * seq, ts,
                                Map.of("cpu.total_pct", (double) seq, "mem.used_pct", seq / 2.0)), null,
                                (md, e) -> {
                                    if (e != null) {
                                        sendFailures.add(e);
                                    } else {
                                        samples.incrementAndGet();
                                        samplesPerNode.computeIfAbsent(node, n -> new AtomicInteger()).incrementAndGet();
                                    }
                                });
                        ItSupport.send(producer, stack, Topics.LOGS, node, new LogRecord(node, 2 * seq + 1, ts,
                                "agent", LogLevel.INFO, "line " + seq, null, null, null), null, (md, e) -> {
                                    if (e != null) {
                                        sendFailures.add(e);
                                    } else {
                                        logLines.incrementAndGet();
                                    }
                                });
                    }
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                producer.flush();
            }, "it-stream");
            stream.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> committed(processors) > 100);

            // When the Cassandra node stops for 30 s in the middle of the stream, then comes back
            stack.cassandra().stop();
            await().atMost(Duration.ofSeconds(30)).until(() -> processors.sinks().stream().allMatch(CassandraSink::paused));
            long stoppedAt = System.nanoTime();
            int samplesAtStop = samples.get();
            Thread.sleep(30_000); // (a plain wait: an awaitility poller stalled > 1 s on a busy machine would time out)
            assertTrue((System.nanoTime() - stoppedAt) / 1e9 >= 30);
            assertTrue(samples.get() > samplesAtStop, "the stream went on during the outage");
            stack.cassandra().start(Duration.ofSeconds(120));
            // And the stream goes on a little longer, then stops
            Thread.sleep(5_000);
            producing.set(false);
            stream.join();
            assertTrue(sendFailures.isEmpty(), () -> "Kafka refused events of the stream: " + sendFailures);
            int expectedSamples = samples.get();
            int expectedLines = logLines.get();

            // Then every sample and every log line is stored, each exactly once
            try (CqlSession session = CassandraStore.connect(store)) {
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
                        .until(() -> count(session, stack.keyspace() + ".logs") == expectedLines
                                && count(session, stack.keyspace() + ".metrics_raw") == 2L * expectedSamples);
                for (UUID node : nodes) {
                    List<Row> rows = new ArrayList<>();
                    session.execute("SELECT ts, value, seq, writetime(value) AS wt FROM " + stack.keyspace()
                            + ".metrics_raw WHERE node_id = ? AND metric = 'cpu.total_pct' ALLOW FILTERING", node)
                            .forEach(rows::add);
                    assertEquals(samplesPerNode.get(node).get(), rows.size(), "one row per sample of " + node);
                    for (Row row : rows) {
                        // the cell timestamp is the event's own: a replay rewrote the same cell
                        assertEquals(row.getInstant("ts").toEpochMilli() * 1000, row.getLong("wt"));
                        assertEquals((double) (row.getLong("seq") / 2), row.getDouble("value"));
                    }
                }
                assertEquals(2L * expectedSamples, count(session, stack.keyspace() + ".metrics_raw"));
                assertEquals(expectedLines, count(session, stack.keyspace() + ".logs"));
            }
            // And the sinks are writing again
            await().atMost(Duration.ofSeconds(30)).until(() -> processors.sinks().stream().noneMatch(CassandraSink::paused));
        }
    }

    private static long committed(StreamProcessors processors) {
        return processors.sinks().stream().mapToLong(CassandraSink::committed).sum();
    }

    private static long count(CqlSession session, String table) {
        return session.execute("SELECT count(*) FROM " + table).one().getLong(0);
    }
}
