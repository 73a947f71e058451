package org.dvic.relay.fleet;

import jakarta.inject.Singleton;
import org.dvic.protocol.event.Event;
import org.dvic.protocol.event.Inventory;
import org.dvic.protocol.event.MetricSample;
import org.dvic.protocol.event.NodeStatus;
import org.dvic.protocol.event.ProcessState;
import org.dvic.protocol.event.RegistryEntry;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** The fleet in memory, built from the compacted topics and the live metrics by {@link FleetFeed}. */
@Singleton
public final class FleetState {
    private final Map<UUID, NodeView> nodes = new ConcurrentHashMap<>();

    public Optional<NodeView> find(UUID nodeId) {
        return Optional.ofNullable(nodes.get(nodeId));
    }

    public Collection<NodeView> all() {
        return nodes.values();
    }

    public int size() {
        return nodes.size();
    }

    /** Applies a fleet fact; returns false for events that are not one. */
    public boolean apply(Event event) {
        if (event instanceof RegistryEntry e) {
            view(e.nodeId()).registry(e);
        } else if (event instanceof NodeStatus s) {
            view(s.nodeId()).status(s);
        } else if (event instanceof Inventory i) {
            view(i.nodeId()).inventory(i);
        } else if (event instanceof ProcessState p) {
            view(p.nodeId()).process(p);
        } else if (event instanceof MetricSample m) {
            view(m.nodeId()).metrics(m);
        } else {
            return false;
        }
        return true;
    }

    private NodeView view(UUID nodeId) {
        return nodes.computeIfAbsent(nodeId, NodeView::new);
    }
}
