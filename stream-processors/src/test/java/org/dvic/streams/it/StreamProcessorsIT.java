package org.dvic.streams.it;

import com.datastax.oss.driver.api.core.CqlSession;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.dvic.devstack.junit.DevStackExtension;
import org.dvic.devstack.junit.TestStack;
import org.dvic.protocol.event.Heartbeat;
import org.dvic.protocol.event.Inventory;
import org.dvic.protocol.event.MetricRollup;
import org.dvic.protocol.event.MetricSample;
import org.dvic.protocol.event.NodeStatus;
import org.dvic.protocol.event.ProcessState;
import org.dvic.protocol.event.ProcessStatus;
import org.dvic.protocol.event.RegistryEntry;
import org.dvic.protocol.event.SessionClosed;
import org.dvic.protocol.event.SessionOpened;
import org.dvic.protocol.json.EventCodec;
import org.dvic.protocol.topic.Topics;
import org.dvic.store.CassandraStore;
import org.dvic.store.NodeRepository;
import org.dvic.store.NodeStatusHistoryRepository;
import org.dvic.store.ProcessHistoryRepository;
import org.dvic.store.RollupRepository;
import org.dvic.store.StoreSettings;
import org.dvic.streams.StreamProcessors;
import org.dvic.streams.sink.Sinks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The processors end to end on the real broker and Cassandra: node events in, statuses, 1-minute rollups
 * (samples → dvic.metrics-1m → metrics_1m) and history out. The 1-hour windows would need an hour of
 * stream time to close; {@code RollupTopologyTest} covers them through the topology's own dvic.metrics-1m loop.
 */
@ExtendWith(DevStackExtension.class)
class StreamProcessorsIT {
    private static final EventCodec CODEC = new EventCodec();

    @TempDir
    Path stateDir;

    @Test
    void eventsBecomeStatusesRollupsAndHistory(TestStack stack) throws Exception {
        StoreSettings store = StoreSettings.local(stack.cassandraPort(), stack.keyspace());
        UUID node = UUID.randomUUID();
        UUID session = UUID.randomUUID();
        long now = System.currentTimeMillis();
        long minute = now - now % 60_000 - 3 * 60_000;
        try (StreamProcessors processors = ItSupport.start(ItSupport.config(stack, stateDir, true, Sinks.NAMES));
             KafkaProducer<String, byte[]> producer = ItSupport.producer(stack);
             CqlSession cql = CassandraStore.open(store)) {
            // Given a node that connects, reports its inventory, a demo process, heartbeats and samples
            // over the last three minutes (stamped with their own time)
            ItSupport.send(producer, stack, Topics.SESSIONS, node, new SessionOpened(node, session, minute, "10.0.0.9"),
                    minute);
            ItSupport.send(producer, stack, Topics.REGISTRY, node, new RegistryEntry(node, RegistryEntry.NodeKind.AGENT,
                    "demo-01", "MCowBQYDK2VwAyEA", null, Map.of("room", "lab"), false, 60_000L, minute, "admin"), minute);
            ItSupport.send(producer, stack, Topics.INVENTORY, node, new Inventory(node, 1, minute, "demo-01", "Linux",
                    "6.1", "cpu", 4, 1L << 33, List.of(), List.of(), "0.1.0", true, false), minute);
            ItSupport.send(producer, stack, Topics.PROCESSES, node, new ProcessState(node, 2, minute, "tok1", 42, 9,
                    "demo", "/bin/demo", ProcessStatus.RUNNING, null, null), minute);
            long seq = 3;
            for (long t = minute; t < now; t += 10_000) {
                // cpu: the second within the test's first minute, so each minute's aggregate is known
                ItSupport.send(producer, stack, Topics.HEARTBEATS, node, new Heartbeat(node, seq++, t, 10_000), t);
                ItSupport.send(producer, stack, Topics.METRICS, node, new MetricSample(node, seq++, t,
                        Map.of("cpu.total_pct", (t - minute) / 1000.0)), t);
            }
            producer.flush();

            // When the node keeps reporting live (a minute is emitted once stream time passes its end plus
            // the grace period, here 2 s; a stream that stops never closes its last windows)
            AtomicLong liveSeq = new AtomicLong(seq);
            AtomicBoolean live = new AtomicBoolean(true);
            Thread liveStream = new Thread(() -> {
                while (live.get()) {
                    long t = System.currentTimeMillis();
                    ItSupport.send(producer, stack, Topics.HEARTBEATS, node,
                            new Heartbeat(node, liveSeq.getAndIncrement(), t, 10_000), t);
                    ItSupport.send(producer, stack, Topics.METRICS, node, new MetricSample(node,
                            liveSeq.getAndIncrement(), t, Map.of("cpu.total_pct", -1.0)), t);
                    try {
                        Thread.sleep(500);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "it-live-stream");
            liveStream.start();
            // Then each of the three complete minutes before the test's start is in metrics_1m, once:
            // six samples at seconds 0, 10, ..., 50 of the minute
            RollupRepository minutes = new RollupRepository(cql, stack.keyspace(), MetricRollup.Resolution.MINUTE);
            List<MetricRollup> rollups;
            try {
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                        .until(() -> minutes.range(node, "cpu.total_pct", minute, minute + 2 * 60_000).size() == 3);
                rollups = minutes.range(node, "cpu.total_pct", minute, minute + 2 * 60_000);
            } finally {
                live.set(false);
                liveStream.join();
            }
            List<MetricRollup> expected = new ArrayList<>();
            for (int m = 2; m >= 0; m--) { // newest first
                double first = m * 60;
                expected.add(new MetricRollup(node, "cpu.total_pct", MetricRollup.Resolution.MINUTE,
                        minute + m * 60_000L, minute + (m + 1) * 60_000L, first, first + 50, 6 * first + 150, 6,
                        first + 50));
            }
            assertEquals(expected, rollups);

            // When the node says goodbye
            long closedAt = System.currentTimeMillis();
            ItSupport.send(producer, stack, Topics.SESSIONS, node, new SessionClosed(node, session, closedAt,
                    SessionClosed.CloseReason.AGENT_CLOSED, null), closedAt);
            producer.flush();

            // Then dvic.node-status holds ONLINE then OFFLINE (disconnected)
            List<NodeStatus> statuses = new ArrayList<>();
            try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                    ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID(),
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                    new StringDeserializer(), new ByteArrayDeserializer())) {
                consumer.subscribe(List.of(stack.topic(Topics.NODE_STATUS)));
                await().atMost(Duration.ofSeconds(90)).until(() -> {
                    consumer.poll(Duration.ofMillis(200)).forEach(r -> statuses.add((NodeStatus) CODEC.decode(r.value())));
                    return statuses.size() >= 2;
                });
            }
            assertEquals(List.of(NodeStatus.NodeState.ONLINE, NodeStatus.NodeState.OFFLINE),
                    statuses.stream().map(NodeStatus::state).toList());
            assertEquals(NodeStatus.StatusReason.DISCONNECTED, statuses.get(1).reason());

            // And the status history, the process history (RUNNING, then UNKNOWN once offline) and the
            // node's inventory are in Cassandra
            NodeStatusHistoryRepository history = new NodeStatusHistoryRepository(cql, stack.keyspace());
            await().atMost(Duration.ofSeconds(60)).until(() -> history.range(node, minute - 1, now + 120_000).size() == 2);
            ProcessHistoryRepository processes = new ProcessHistoryRepository(cql, stack.keyspace());
            await().atMost(Duration.ofSeconds(60)).until(() -> processes.range(node, minute - 1, now + 120_000).stream()
                    .map(ProcessState::state).toList().containsAll(List.of(ProcessStatus.RUNNING, ProcessStatus.UNKNOWN)));
            NodeRepository nodes = new NodeRepository(cql, stack.keyspace());
            await().atMost(Duration.ofSeconds(60)).until(() -> nodes.find(node).map(n -> n.inventory() != null)
                    .orElse(false));
            assertEquals("demo-01", nodes.find(node).orElseThrow().inventory().hostname());
            await().atMost(Duration.ofSeconds(60)).until(() -> "demo-01".equals(nodes.find(node).orElseThrow().name()));
            assertEquals(Map.of("room", "lab"), nodes.find(node).orElseThrow().labels());
        }
    }

}
