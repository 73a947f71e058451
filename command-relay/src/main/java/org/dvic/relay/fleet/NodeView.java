package org.dvic.relay.fleet;

import org.dvic.protocol.event.Inventory;
import org.dvic.protocol.event.MetricSample;
import org.dvic.protocol.event.NodeStatus;
import org.dvic.protocol.event.ProcessState;
import org.dvic.protocol.event.RegistryEntry;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the relay knows about one node right now. Written by the one feed thread (and by node
 * administration for its own registry writes), read by requests: every field holds an immutable
 * value, so a reader sees each fact whole.
 */
public final class NodeView {
    private final UUID nodeId;
    private volatile RegistryEntry registry;
    private volatile NodeStatus status;
    private volatile Inventory inventory;
    private final Map<String, ProcessState> processes = new ConcurrentHashMap<>();
    private final Map<String, Double> metrics = new ConcurrentHashMap<>();
    private volatile long metricsTs = -1;

    NodeView(UUID nodeId) {
        this.nodeId = nodeId;
    }

    public UUID nodeId() {
        return nodeId;
    }

    public RegistryEntry registry() {
        return registry;
    }

    public NodeStatus status() {
        return status;
    }

    public Inventory inventory() {
        return inventory;
    }

    public Map<String, ProcessState> processes() {
        return processes;
    }

    public Map<String, Double> metrics() {
        return metrics;
    }

    public long metricsTs() {
        return metricsTs;
    }

    public boolean online() {
        return status != null && status.state() == NodeStatus.NodeState.ONLINE;
    }

    public boolean revoked() {
        return registry != null && registry.revoked();
    }

    /** Registry name, else hostname, else the id. */
    public String displayName() {
        if (registry != null) {
            return registry.name();
        }
        if (inventory != null) {
            return inventory.hostname();
        }
        return nodeId.toString();
    }

    void registry(RegistryEntry entry) {
        RegistryEntry current = registry;
        if (current == null || entry.updatedAt() >= current.updatedAt()) {
            registry = entry;
        }
    }

    void status(NodeStatus s) {
        NodeStatus current = status;
        if (current == null || s.since() >= current.since() || s.lastSeen() >= current.lastSeen()) {
            status = s;
        }
    }

    void inventory(Inventory inv) {
        Inventory current = inventory;
        if (current == null || inv.ts() >= current.ts()) {
            inventory = inv;
        }
    }

    void process(ProcessState p) {
        processes.merge(p.token(), p, (a, b) -> b.ts() >= a.ts() ? b : a);
    }

    void metrics(MetricSample sample) {
        if (sample.ts() >= metricsTs) {
            metrics.putAll(sample.values());
            metricsTs = sample.ts();
        } else {
            sample.values().forEach(metrics::putIfAbsent);
        }
    }
}
