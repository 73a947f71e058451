package org.dvic.protocol.topic;

import org.dvic.protocol.event.Command;
import org.dvic.protocol.event.CommandEvent;
import org.dvic.protocol.event.Heartbeat;
import org.dvic.protocol.event.Inventory;
import org.dvic.protocol.event.LogRecord;
import org.dvic.protocol.event.MetricRollup;
import org.dvic.protocol.event.MetricSample;
import org.dvic.protocol.event.NodeStatus;
import org.dvic.protocol.event.ProcessState;
import org.dvic.protocol.event.RegistryEntry;
import org.dvic.protocol.event.Rejected;
import org.dvic.protocol.event.SessionEvent;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * The topic catalogue: the one place where a topic name is written. docs/topics.md describes each
 * for the research tap. Node-scoped topics are keyed by node id and co-partitioned
 * ({@link #NODE_PARTITIONS}), so one node's events stay ordered and joins need no repartitioning.
 */
public final class Topics {
    private Topics() {
    }

    /** Partition count of every node-keyed topic; changing it reshuffles keys, so it is fixed here. */
    public static final int NODE_PARTITIONS = 6;

    private static final Duration DAY = Duration.ofDays(1);

    public static final Topic<UUID, Heartbeat> HEARTBEATS = nodeTopic("dvic.heartbeats", Heartbeat.class,
            DAY, "Agent and board keep-alives; the liveness input with the announced interval.");
    public static final Topic<UUID, MetricSample> METRICS = nodeTopic("dvic.metrics", MetricSample.class,
            Duration.ofDays(3), "Raw metric samples (CPU, memory, disk, network, temperatures, board readings).");
    public static final Topic<UUID, LogRecord> LOGS = nodeTopic("dvic.logs", LogRecord.class,
            Duration.ofDays(3), "Log lines: demo processes, journal or syslog, the agent itself.");
    public static final Topic<UUID, ProcessState> PROCESSES = nodeTopic("dvic.processes", ProcessState.class,
            Duration.ofDays(7), "Demo process states as the agent observes them (RUNNING, EXITED).");
    public static final Topic<UUID, Inventory> INVENTORY = new Topic<>("dvic.inventory", UUID.class,
            Inventory.class, NODE_PARTITIONS, null, true, "A node's static facts; latest per node.");
    public static final Topic<UUID, SessionEvent> SESSIONS = nodeTopic("dvic.sessions", SessionEvent.class,
            Duration.ofDays(7), "Agent sockets opened and closed at the gateway, with the close reason.");
    public static final Topic<UUID, NodeStatus> NODE_STATUS = new Topic<>("dvic.node-status", UUID.class,
            NodeStatus.class, NODE_PARTITIONS, null, true, "Liveness transitions; latest per node is its current state.");
    /**
     * Demo process state transitions computed by liveness (RUNNING, EXITED, and UNKNOWN while the
     * node is offline); compacted per process, keyed {@code <nodeId>/<token>} (see {@link #processKey}).
     */
    public static final Topic<String, ProcessState> PROCESS_STATUS = new Topic<>("dvic.process-status", String.class,
            ProcessState.class, NODE_PARTITIONS, null, true,
            "Demo process state transitions (RUNNING, EXITED, UNKNOWN while offline); latest per process.");
    public static final Topic<UUID, MetricRollup> METRICS_1M = nodeTopic("dvic.metrics-1m", MetricRollup.class,
            Duration.ofDays(7), "Final 1-minute aggregates per node and metric.");
    public static final Topic<UUID, MetricRollup> METRICS_1H = nodeTopic("dvic.metrics-1h", MetricRollup.class,
            Duration.ofDays(30), "Final 1-hour aggregates per node and metric.");
    public static final Topic<UUID, Command> COMMANDS = nodeTopic("dvic.commands", Command.class,
            DAY, "Operator commands to nodes (exec, signal, terminal, update).");
    public static final Topic<UUID, CommandEvent> COMMAND_EVENTS = nodeTopic("dvic.command-events",
            CommandEvent.class, Duration.ofDays(7), "What happened to each command: delivery, output, outcome.");
    public static final Topic<UUID, RegistryEntry> REGISTRY = new Topic<>("dvic.registry", UUID.class,
            RegistryEntry.class, NODE_PARTITIONS, null, true,
            "Node identities: public key or token hash, name, labels, revoked; latest per node.");
    /** Keyed by node id where the edge knew it, else by the peer address. */
    public static final Topic<String, Rejected> REJECTED = new Topic<>("dvic.rejected", String.class,
            Rejected.class, 1, Duration.ofDays(7), false, "Input the edge refused, redacted, with the reason.");

    public static final List<Topic<?, ?>> ALL = List.of(HEARTBEATS, METRICS, LOGS, PROCESSES, INVENTORY, SESSIONS,
            NODE_STATUS, PROCESS_STATUS, METRICS_1M, METRICS_1H, COMMANDS, COMMAND_EVENTS, REGISTRY, REJECTED);

    /** The key of a process on {@link #PROCESS_STATUS}: {@code <nodeId>/<token>}. */
    public static String processKey(UUID nodeId, String token) {
        return nodeId + "/" + token;
    }

    private static <V> Topic<UUID, V> nodeTopic(String name, Class<V> valueType, Duration retention,
                                                String description) {
        return new Topic<>(name, UUID.class, valueType, NODE_PARTITIONS, retention, false, description);
    }
}
