package org.dvic.streams.liveness;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.dvic.protocol.event.Event;
import org.dvic.protocol.event.Heartbeat;
import org.dvic.protocol.event.LogLevel;
import org.dvic.protocol.event.LogRecord;
import org.dvic.protocol.event.NodeStatus;
import org.dvic.protocol.event.NodeStatus.NodeState;
import org.dvic.protocol.event.NodeStatus.StatusReason;
import org.dvic.protocol.event.ProcessState;
import org.dvic.protocol.event.ProcessStatus;
import org.dvic.protocol.event.RegistryEntry;
import org.dvic.protocol.event.SessionClosed;
import org.dvic.protocol.event.SessionClosed.CloseReason;
import org.dvic.protocol.event.SessionOpened;
import org.dvic.protocol.topic.Topic;
import org.dvic.protocol.topic.Topics;
import org.dvic.streams.serde.EventSerde;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LivenessTopologyTest {
    private static final String NS = "t";
    private static final long T0 = Instant.parse("2026-03-01T10:00:00Z").toEpochMilli();
    private static final long INTERVAL = 1000;

    @TempDir
    Path stateDir;

    private final UUID node = UUID.randomUUID();
    private final EventSerde<Event> events = EventSerde.of(Event.class);
    private TopologyTestDriver driver;
    private long wall;
    private long seq;

    @BeforeEach
    void start() {
        driver = newDriver(T0);
    }

    @AfterEach
    void stop() {
        if (driver != null) {
            driver.close();
        }
    }

    private TopologyTestDriver newDriver(long wallMs) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "liveness-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        wall = wallMs;
        LivenessSettings settings = new LivenessSettings(3, Duration.ofSeconds(30), Duration.ofMillis(100),
                Duration.ofDays(7));
        return new TopologyTestDriver(LivenessTopology.build(NS, settings, LivenessListener.NONE), props,
                Instant.ofEpochMilli(wallMs));
    }

    /**
     * A new driver on the state of the current one: the test driver wipes its state directory on
     * close, so the stores are copied over as the changelog restore of a real restart would.
     */
    private TopologyTestDriver restart(long wallMs) {
        Map<String, Map<String, Object>> saved = new java.util.HashMap<>();
        for (String store : List.of(LivenessTopology.NODE_STORE, LivenessTopology.PROCESS_STORE,
                LivenessTopology.CLOCK_STORE)) {
            Map<String, Object> entries = new java.util.HashMap<>();
            driver.getKeyValueStore(store).all().forEachRemaining(kv -> entries.put((String) kv.key, kv.value));
            saved.put(store, entries);
        }
        driver.close();
        TopologyTestDriver next = newDriver(wallMs);
        saved.forEach((store, entries) -> {
            org.apache.kafka.streams.state.KeyValueStore<String, Object> target = next.getKeyValueStore(store);
            entries.forEach(target::put);
        });
        return next;
    }

    private void send(Topic<?, ?> topic, UUID key, Event event) {
        TestInputTopic<String, Event> in = driver.createInputTopic(topic.nameIn(NS), Serdes.String().serializer(),
                events.serializer());
        in.pipeInput(new TestRecord<>(key.toString(), event, Instant.ofEpochMilli(wall)));
    }

    private void heartbeat(UUID id) {
        send(Topics.HEARTBEATS, id, new Heartbeat(id, ++seq, wall, INTERVAL));
    }

    private void advance(long ms) {
        // In steps, as a running stream thread would punctuate.
        for (long done = 0; done < ms; done += 100) {
            long step = Math.min(100, ms - done);
            wall += step;
            driver.advanceWallClockTime(Duration.ofMillis(step));
        }
    }

    private List<NodeStatus> statuses() {
        TestOutputTopic<String, Event> out = driver.createOutputTopic(Topics.NODE_STATUS.nameIn(NS),
                Serdes.String().deserializer(), events.deserializer());
        return out.readValuesToList().stream().map(NodeStatus.class::cast).toList();
    }

    private List<TestRecord<String, Event>> processStatuses() {
        TestOutputTopic<String, Event> out = driver.createOutputTopic(Topics.PROCESS_STATUS.nameIn(NS),
                Serdes.String().deserializer(), events.deserializer());
        return out.readRecordsToList();
    }

    @Test
    void firstEventIsOnlineSilenceIsTimeoutNextEventIsOnlineAgain() {
        // Given a node that heartbeats every second
        heartbeat(node);
        advance(1000);
        heartbeat(node);
        assertEquals(List.of(new NodeStatus(node, NodeState.ONLINE, T0, StatusReason.EVENT, T0)), statuses());
        long last = wall;
        // When it stays silent for less than three intervals, Then nothing changes
        advance(2900);
        assertEquals(List.of(), statuses());
        // When the third interval passes, Then it is OFFLINE by timeout, as of lastSeen + timeout
        advance(200);
        assertEquals(List.of(new NodeStatus(node, NodeState.OFFLINE, last + 3000, StatusReason.TIMEOUT, last)),
                statuses());
        advance(10_000);
        assertEquals(List.of(), statuses(), "a transition is emitted once");
        // When any event arrives again (a log line), Then it is ONLINE again
        send(Topics.LOGS, node, new LogRecord(node, ++seq, wall, "agent", LogLevel.INFO, "back", null, null, null));
        assertEquals(List.of(new NodeStatus(node, NodeState.ONLINE, wall, StatusReason.EVENT, wall)), statuses());
    }

    @Test
    void aCleanGoodbyeIsOfflineAtOnceOtherClosesWaitForTheTimeout() {
        // Given two connected nodes
        UUID other = UUID.randomUUID();
        UUID s1 = UUID.randomUUID();
        UUID s2 = UUID.randomUUID();
        send(Topics.SESSIONS, node, new SessionOpened(node, s1, wall, "10.0.0.1"));
        send(Topics.SESSIONS, other, new SessionOpened(other, s2, wall, "10.0.0.2"));
        heartbeat(node);
        heartbeat(other);
        assertEquals(2, statuses().size());
        advance(500);
        // When one agent closes its socket cleanly and the other's connection drops
        send(Topics.SESSIONS, node, new SessionClosed(node, s1, wall, CloseReason.AGENT_CLOSED, null));
        send(Topics.SESSIONS, other, new SessionClosed(other, s2, wall, CloseReason.CONNECTION_LOST, null));
        // Then the first is OFFLINE (disconnected) at once, the second not yet
        assertEquals(List.of(new NodeStatus(node, NodeState.OFFLINE, T0 + 500, StatusReason.DISCONNECTED, T0)),
                statuses());
        // And the second goes OFFLINE by timeout, counted from its last event
        advance(2600);
        assertEquals(List.of(new NodeStatus(other, NodeState.OFFLINE, T0 + 3000, StatusReason.TIMEOUT, T0)),
                statuses());
    }

    @Test
    void aLateCloseOfAnOlderSocketIsIgnoredAfterAReconnect() {
        UUID old = UUID.randomUUID();
        UUID fresh = UUID.randomUUID();
        send(Topics.SESSIONS, node, new SessionOpened(node, old, wall, "10.0.0.1"));
        advance(200);
        // Given the node reconnected through another gateway before its old socket's close was reported
        send(Topics.SESSIONS, node, new SessionOpened(node, fresh, wall, "10.0.0.1"));
        advance(200);
        // When the old socket's close arrives
        send(Topics.SESSIONS, node, new SessionClosed(node, old, wall, CloseReason.AGENT_CLOSED, null));
        // Then the node stays ONLINE
        assertEquals(List.of(NodeState.ONLINE), statuses().stream().map(NodeStatus::state).toList());
    }

    @Test
    void anEventFromBeforeTheGoodbyeDoesNotBringTheNodeBack() {
        UUID session = UUID.randomUUID();
        send(Topics.SESSIONS, node, new SessionOpened(node, session, wall, "10.0.0.1"));
        advance(500);
        send(Topics.SESSIONS, node, new SessionClosed(node, session, wall, CloseReason.AGENT_CLOSED, null));
        statuses();
        // When a log line produced before the close is processed after it
        TestInputTopic<String, Event> logs = driver.createInputTopic(Topics.LOGS.nameIn(NS),
                Serdes.String().serializer(), events.serializer());
        logs.pipeInput(new TestRecord<>(node.toString(), new LogRecord(node, 7, wall - 100, "agent", LogLevel.INFO,
                "bye", null, null, null), Instant.ofEpochMilli(wall - 100)));
        // Then the node stays OFFLINE
        assertEquals(List.of(), statuses());
    }

    @Test
    void theRegistryOverridesTheTimeoutPerNode() {
        // Given a node whose registry entry sets a 10 s timeout
        send(Topics.REGISTRY, node, new RegistryEntry(node, RegistryEntry.NodeKind.BOARD, "esp-1", null,
                "a".repeat(64), Map.of(), false, 10_000L, wall, "admin"));
        heartbeat(node);
        statuses();
        // When it is silent for 9 s, Then still ONLINE; at 10 s, OFFLINE
        advance(9_000);
        assertEquals(List.of(), statuses());
        advance(1_100);
        assertEquals(List.of(StatusReason.TIMEOUT), statuses().stream().map(NodeStatus::reason).toList());
    }

    @Test
    void withoutAnAnnouncedIntervalTheDefaultTimeoutApplies() {
        send(Topics.LOGS, node, new LogRecord(node, 1, wall, "agent", LogLevel.INFO, "hi", null, null, null));
        statuses();
        advance(29_000);
        assertEquals(List.of(), statuses());
        advance(1_100);
        assertEquals(List.of(StatusReason.TIMEOUT), statuses().stream().map(NodeStatus::reason).toList());
    }

    @Test
    void demoProcessesRunExitAndAreUnknownWhileTheirNodeIsOffline() {
        // Given a node with two demo processes running
        heartbeat(node);
        send(Topics.PROCESSES, node, process("tokA", 10, ProcessStatus.RUNNING, null));
        send(Topics.PROCESSES, node, process("tokB", 11, ProcessStatus.RUNNING, null));
        // When the agent reports the same state again, Then nothing is emitted twice
        send(Topics.PROCESSES, node, process("tokA", 10, ProcessStatus.RUNNING, null));
        List<TestRecord<String, Event>> first = processStatuses();
        assertEquals(List.of(Topics.processKey(node, "tokA"), Topics.processKey(node, "tokB")),
                first.stream().map(TestRecord::key).toList());
        // When one process's pid is gone, Then it is EXITED with its exit code
        send(Topics.PROCESSES, node, process("tokB", 11, ProcessStatus.EXITED, 3));
        ProcessState exited = (ProcessState) processStatuses().get(0).value();
        assertEquals(ProcessStatus.EXITED, exited.state());
        assertEquals(3, exited.exitCode());
        // When a replayed older report arrives, Then it is ignored
        send(Topics.PROCESSES, node, new ProcessState(node, 1, wall, "tokB", 11, 500, "demo", "/bin/demo",
                ProcessStatus.RUNNING, null, null));
        assertEquals(List.of(), processStatuses());
        // When the node times out, Then the running process is UNKNOWN and the exited one stays EXITED
        advance(3_100);
        List<TestRecord<String, Event>> offline = processStatuses();
        assertEquals(1, offline.size());
        assertEquals(Topics.processKey(node, "tokA"), offline.get(0).key());
        assertEquals(ProcessStatus.UNKNOWN, ((ProcessState) offline.get(0).value()).state());
        // When the node is back and reports the process, Then it is RUNNING again
        heartbeat(node);
        send(Topics.PROCESSES, node, process("tokA", 10, ProcessStatus.RUNNING, null));
        assertEquals(List.of(ProcessStatus.RUNNING),
                processStatuses().stream().map(r -> ((ProcessState) r.value()).state()).toList());
    }

    private ProcessState process(String token, long pid, ProcessStatus state, Integer exitCode) {
        return new ProcessState(node, ++seq, wall, token, pid, 500, "demo", "/bin/demo", state, exitCode, null);
    }

    @Test
    void aRestartResumesTheClockNoFalseBurstAndNoMissedTimeout() {
        // Given two ONLINE nodes, one of which dies just before the processors stop
        UUID survivor = UUID.randomUUID();
        heartbeat(node);
        heartbeat(survivor);
        advance(1_000);
        heartbeat(survivor);
        advance(200);
        assertEquals(2, statuses().size());
        // When the processors come back 20 s later (far beyond the 3 s timeout), on the same state
        long downtimeStart = wall;
        driver = restart(wall + 20_000);
        advance(200);
        // Then nobody is declared dead before the backlog is read
        assertEquals(List.of(), statuses());
        // When the backlog (the survivor's heartbeats during the downtime) is processed
        TestInputTopic<String, Event> hb = driver.createInputTopic(Topics.HEARTBEATS.nameIn(NS),
                Serdes.String().serializer(), events.serializer());
        for (long t = downtimeStart + 1_000; t <= wall; t += 1_000) {
            hb.pipeInput(new TestRecord<>(survivor.toString(), new Heartbeat(survivor, ++seq, t, INTERVAL),
                    Instant.ofEpochMilli(t)));
        }
        advance(100);
        // Then only the dead node went OFFLINE, once, as of its own deadline
        List<NodeStatus> after = statuses();
        assertEquals(1, after.size(), after.toString());
        assertEquals(node, after.get(0).nodeId());
        assertEquals(T0 + 3_000, after.get(0).since());
        // And the survivor, heartbeating on, stays ONLINE
        for (int i = 0; i < 5; i++) {
            advance(1_000);
            heartbeat(survivor);
        }
        assertEquals(List.of(), statuses());
    }

    @Test
    void registryTombstoneClearsTheOverride() {
        send(Topics.REGISTRY, node, new RegistryEntry(node, RegistryEntry.NodeKind.BOARD, "esp-1", null,
                "a".repeat(64), Map.of(), false, 60_000L, wall, "admin"));
        TestInputTopic<String, Event> registry = driver.createInputTopic(Topics.REGISTRY.nameIn(NS),
                Serdes.String().serializer(), events.serializer());
        registry.pipeInput(new TestRecord<>(node.toString(), null, Instant.ofEpochMilli(wall)));
        heartbeat(node);
        statuses();
        advance(3_100);
        List<NodeStatus> after = statuses();
        assertEquals(1, after.size());
        assertTrue(after.get(0).state() == NodeState.OFFLINE);
        assertNull(null);
    }
}
