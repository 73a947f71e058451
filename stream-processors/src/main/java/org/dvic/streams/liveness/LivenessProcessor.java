package org.dvic.streams.liveness;

import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.dvic.protocol.event.CommandEvent;
import org.dvic.protocol.event.Event;
import org.dvic.protocol.event.Heartbeat;
import org.dvic.protocol.event.NodeEvent;
import org.dvic.protocol.event.NodeStatus;
import org.dvic.protocol.event.NodeStatus.NodeState;
import org.dvic.protocol.event.NodeStatus.StatusReason;
import org.dvic.protocol.event.ProcessState;
import org.dvic.protocol.event.ProcessStatus;
import org.dvic.protocol.event.RegistryEntry;
import org.dvic.protocol.event.SessionClosed;
import org.dvic.protocol.event.SessionEvent;
import org.dvic.protocol.event.SessionOpened;
import org.dvic.protocol.topic.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The liveness state machine of the nodes of one partition and of their demo processes.
 *
 * <p>Time: "last seen" is the Kafka record timestamp of a node's events (the producer's clock, at
 * most the wall clock), never the agent's own {@code ts}, which may be skewed or, for spooled events,
 * old. Silence is judged against the <em>liveness clock</em> of the task: the newest record timestamp
 * it has processed, advanced by the wall time since. While the task catches up a backlog (after a
 * restart or a rebalance) the clock is where the backlog is, so nodes whose heartbeats are still
 * queued are not declared dead (no false OFFLINE burst); when nothing arrives at all it runs with
 * the wall clock, so a silent fleet is still detected. The clock is stored with the state, so a
 * restarted task resumes it instead of jumping over its downtime (nothing detected twice, nothing
 * missed: a node that died meanwhile times out once the clock passes its deadline).
 */
final class LivenessProcessor implements Processor<String, Event, String, Event> {
    private static final Logger LOG = LoggerFactory.getLogger(LivenessProcessor.class);
    private static final String CLOCK_KEY = "clock";
    private static final long PURGE_EVERY_MS = 60_000;

    private final LivenessSettings settings;
    private final LivenessListener listener;
    private final String registryTopic;

    private ProcessorContext<String, Event> context;
    private KeyValueStore<String, NodeLiveness> nodes;
    private KeyValueStore<String, ProcessState> processes;
    private KeyValueStore<String, Long> clock;
    private long newestRecordTs;
    private long wallAtNewest;
    private long lastPurgeWall;
    private boolean clockResumed;

    LivenessProcessor(LivenessSettings settings, LivenessListener listener, String registryTopic) {
        this.settings = settings;
        this.listener = listener;
        this.registryTopic = registryTopic;
    }

    @Override
    public void init(ProcessorContext<String, Event> context) {
        this.context = context;
        this.nodes = context.getStateStore(LivenessTopology.NODE_STORE);
        this.processes = context.getStateStore(LivenessTopology.PROCESS_STORE);
        this.clock = context.getStateStore(LivenessTopology.CLOCK_STORE);
        context.schedule(settings.checkInterval(), PunctuationType.WALL_CLOCK_TIME, this::check);
    }

    /** Resumes the clock from the store, on first use (the store is restored by then). */
    private void resumeClock(long wall) {
        if (clockResumed) {
            return;
        }
        clockResumed = true;
        Long stored = clock.get(CLOCK_KEY);
        if (stored == null) {
            // No clock saved yet: start from the newest sighting we hold (none: a fresh start).
            long newest = -1;
            try (KeyValueIterator<String, NodeLiveness> all = nodes.all()) {
                while (all.hasNext()) {
                    newest = Math.max(newest, all.next().value.lastSeen());
                }
            }
            // -1: a fresh start; the clock starts with the first record (which may be an old one of a backlog)
            stored = newest;
        }
        newestRecordTs = stored < 0 ? -1 : Math.min(stored, wall);
        wallAtNewest = wall;
        lastPurgeWall = wall;
    }

    /** The liveness clock at wall time {@code wall}. */
    long clockAt(long wall) {
        resumeClock(wall);
        if (newestRecordTs < 0) {
            return -1; // nothing seen yet: nobody to time out
        }
        return Math.min(wall, newestRecordTs + Math.max(0, wall - wallAtNewest));
    }

    @Override
    public void process(Record<String, Event> record) {
        String topic = context.recordMetadata().map(m -> m.topic()).orElse("");
        if (record.key() == null) {
            return;
        }
        if (topic.equals(registryTopic)) {
            registry(record.key(), (RegistryEntry) record.value());
            return;
        }
        Event event = record.value();
        if (event == null) {
            return;
        }
        long wall = context.currentSystemTimeMs();
        resumeClock(wall);
        long ts = Math.min(record.timestamp(), wall);
        if (ts > newestRecordTs) {
            newestRecordTs = ts;
            wallAtNewest = wall;
        }
        if (event instanceof SessionClosed closed) {
            sessionClosed(record.key(), closed, ts);
        } else if (event instanceof NodeEvent || event instanceof SessionOpened) {
            // Gateway-made command events (accepted, undeliverable) say nothing about the node being alive.
            proofOfLife(record.key(), event, ts);
        }
    }

    private void registry(String key, RegistryEntry entry) {
        NodeLiveness node = nodes.get(key);
        long override = entry == null || entry.heartbeatTimeoutMs() == null ? 0 : entry.heartbeatTimeoutMs();
        if (node == null) {
            if (override > 0) {
                nodes.put(key, NodeLiveness.UNSEEN.withTimeoutOverride(override));
            }
        } else if (node.timeoutOverrideMs() != override) {
            nodes.put(key, node.withTimeoutOverride(override));
        }
    }

    private void proofOfLife(String key, Event event, long ts) {
        NodeLiveness before = nodes.get(key);
        NodeLiveness node = before == null ? NodeLiveness.UNSEEN : before;
        if (event instanceof Heartbeat hb && hb.intervalMs() != node.intervalMs()) {
            node = node.withInterval(hb.intervalMs());
        }
        if (event instanceof SessionOpened opened) {
            node = node.withSession(opened.sessionId());
        }
        if (node.state() == null) {
            node = node.withLastSeen(ts).withState(NodeState.ONLINE, ts, StatusReason.EVENT);
            emit(key, node);
        } else if (node.state() == NodeState.OFFLINE && ts > node.since()) {
            // Only an event that happened after the node went offline brings it back; a late one
            // from before (still in flight at the close) is just a sighting.
            node = node.withLastSeen(ts).withState(NodeState.ONLINE, ts, StatusReason.EVENT);
            emit(key, node);
        } else {
            node = node.withLastSeen(ts);
        }
        nodes.put(key, node);
        if (event instanceof ProcessState process) {
            processReport(key, process, node.state() == NodeState.OFFLINE);
        }
    }

    private void sessionClosed(String key, SessionClosed closed, long ts) {
        NodeLiveness node = nodes.get(key);
        if (node == null || node.state() == null) {
            return;
        }
        if (node.sessionId() != null && !node.sessionId().equals(closed.sessionId())) {
            return; // an older socket closing after the node already reconnected through a new one
        }
        NodeLiveness after = node.withSession(null);
        boolean goodbye = closed.reason() == SessionClosed.CloseReason.AGENT_CLOSED
                || closed.reason() == SessionClosed.CloseReason.REVOKED;
        if (goodbye && node.state() == NodeState.ONLINE) {
            after = after.withState(NodeState.OFFLINE, Math.max(ts, node.lastSeen()), StatusReason.DISCONNECTED);
            emit(key, after);
            processesUnknown(key, after.since());
        }
        // Lost connections, gateway shutdowns and protocol errors are usually followed by a reconnect:
        // the node's timeout decides, counted from its last event.
        nodes.put(key, after);
    }

    private void check(long wall) {
        long now = clockAt(wall);
        if (now < 0) {
            return;
        }
        clock.put(CLOCK_KEY, now);
        List<KeyValue<String, NodeLiveness>> timedOut = new ArrayList<>();
        try (KeyValueIterator<String, NodeLiveness> all = nodes.all()) {
            while (all.hasNext()) {
                KeyValue<String, NodeLiveness> entry = all.next();
                NodeLiveness node = entry.value;
                if (node.state() == NodeState.ONLINE && now - node.lastSeen() > node.timeoutMs(settings)) {
                    timedOut.add(entry);
                }
            }
        }
        for (KeyValue<String, NodeLiveness> entry : timedOut) {
            NodeLiveness node = entry.value;
            long since = node.lastSeen() + node.timeoutMs(settings);
            NodeLiveness after = node.withState(NodeState.OFFLINE, since, StatusReason.TIMEOUT);
            nodes.put(entry.key, after);
            emit(entry.key, after);
            processesUnknown(entry.key, since);
        }
        if (wall - lastPurgeWall >= PURGE_EVERY_MS) {
            lastPurgeWall = wall;
            purgeExited(now);
        }
    }

    private void processReport(String nodeKey, ProcessState report, boolean nodeOffline) {
        String key = Topics.processKey(report.nodeId(), report.token());
        ProcessState known = processes.get(key);
        if (known != null && report.seq() <= known.seq()) {
            return; // replayed or out of order: the state we hold is newer
        }
        ProcessState now = report;
        if (nodeOffline && report.state() == ProcessStatus.RUNNING) {
            now = withStatus(report, ProcessStatus.UNKNOWN, report.ts());
        }
        processes.put(key, now);
        if (known == null || known.state() != now.state() || known.pid() != now.pid()
                || known.startTime() != now.startTime()) {
            emitProcess(key, now);
        }
    }

    private void processesUnknown(String nodeKey, long since) {
        List<KeyValue<String, ProcessState>> running = new ArrayList<>();
        try (KeyValueIterator<String, ProcessState> it = processes.prefixScan(nodeKey + "/", new StringSerializer())) {
            while (it.hasNext()) {
                KeyValue<String, ProcessState> entry = it.next();
                if (entry.value.state() == ProcessStatus.RUNNING) {
                    running.add(entry);
                }
            }
        }
        for (KeyValue<String, ProcessState> entry : running) {
            ProcessState unknown = withStatus(entry.value, ProcessStatus.UNKNOWN, Math.max(since, entry.value.ts()));
            processes.put(entry.key, unknown);
            emitProcess(entry.key, unknown);
        }
    }

    private void purgeExited(long now) {
        long cutoff = now - settings.exitedRetention().toMillis();
        List<String> expired = new ArrayList<>();
        try (KeyValueIterator<String, ProcessState> all = processes.all()) {
            while (all.hasNext()) {
                KeyValue<String, ProcessState> entry = all.next();
                if (entry.value.state() == ProcessStatus.EXITED && entry.value.ts() < cutoff) {
                    expired.add(entry.key);
                }
            }
        }
        for (String key : expired) {
            processes.delete(key);
            context.forward(new Record<>(key, null, now), LivenessTopology.PROCESS_STATUS_SINK);
        }
        if (!expired.isEmpty()) {
            LOG.info("liveness: forgot {} processes that exited more than {} ago", expired.size(),
                    settings.exitedRetention());
        }
    }

    private void emit(String key, NodeLiveness node) {
        NodeStatus status = new NodeStatus(UUID.fromString(key), node.state(), node.since(), node.reason(),
                node.lastSeen());
        context.forward(new Record<>(key, status, node.since()), LivenessTopology.NODE_STATUS_SINK);
        listener.nodeTransition(status);
    }

    private void emitProcess(String key, ProcessState process) {
        context.forward(new Record<>(key, process, process.ts()), LivenessTopology.PROCESS_STATUS_SINK);
        listener.processTransition(process);
    }

    private static ProcessState withStatus(ProcessState p, ProcessStatus status, long ts) {
        return new ProcessState(p.nodeId(), p.seq(), ts, p.token(), p.pid(), p.startTime(), p.demo(), p.exe(), status,
                status == ProcessStatus.EXITED ? p.exitCode() : null, p.container());
    }
}
