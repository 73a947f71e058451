package org.dvic.gateway.agent;

import jakarta.inject.Singleton;

import java.util.Collection;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** The agent sockets this gateway instance holds, one per node (a newer socket replaces an older one). */
@Singleton
public final class AgentConnections {
    private final Map<UUID, AgentConnection> byNode = new ConcurrentHashMap<>();

    public AgentConnection get(UUID nodeId) {
        return byNode.get(nodeId);
    }

    /** Registers the socket; returns the one it replaces, if any. */
    AgentConnection put(AgentConnection connection) {
        return byNode.put(connection.nodeId(), connection);
    }

    /** Removes the socket if it is still the node's current one. */
    boolean remove(AgentConnection connection) {
        return byNode.remove(connection.nodeId(), connection);
    }

    public Collection<AgentConnection> all() {
        return byNode.values();
    }

    public int size() {
        return byNode.size();
    }
}
