package org.dvic.protocol.event;

import org.dvic.protocol.Check;

import java.util.UUID;

/** A liveness transition computed by the stream processors; compacted per node, so the latest is the current state. */
public record NodeStatus(UUID nodeId, NodeState state, long since, StatusReason reason, long lastSeen)
        implements Event {
    public static final String TYPE = "node-status";

    public NodeStatus {
        Check.required(nodeId, "nodeId");
        Check.required(state, "state");
        Check.nonNegative(since, "since");
        Check.required(reason, "reason");
        Check.nonNegative(lastSeen, "lastSeen");
    }

    public enum NodeState {
        ONLINE, OFFLINE
    }

    public enum StatusReason {
        /** ONLINE: an event arrived from the node. */
        EVENT,
        /** OFFLINE: the node's socket closed. */
        DISCONNECTED,
        /** OFFLINE: no event within the node's timeout. */
        TIMEOUT
    }
}
