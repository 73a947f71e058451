package org.dvic.streams.liveness;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.dvic.protocol.event.NodeStatus.NodeState;
import org.dvic.protocol.event.NodeStatus.StatusReason;

import java.nio.ByteBuffer;
import java.util.UUID;

/**
 * What liveness keeps per node (state store value). {@code state} is null for a node known only from
 * the registry. Times are in the liveness clock (Kafka record timestamps, see {@link LivenessProcessor}).
 *
 * @param intervalMs        the heartbeat interval the node last announced, 0 if none yet
 * @param timeoutOverrideMs the registry's per-node timeout, 0 if none
 * @param sessionId         the socket the node is connected through, as last opened; null if unknown
 */
record NodeLiveness(NodeState state, long since, StatusReason reason, long lastSeen, long intervalMs,
                    long timeoutOverrideMs, UUID sessionId) {
    static final NodeLiveness UNSEEN = new NodeLiveness(null, 0, null, 0, 0, 0, null);

    long timeoutMs(LivenessSettings settings) {
        if (timeoutOverrideMs > 0) {
            return timeoutOverrideMs;
        }
        return intervalMs > 0 ? intervalMs * settings.heartbeatMultiplier() : settings.defaultTimeout().toMillis();
    }

    NodeLiveness withState(NodeState newState, long newSince, StatusReason newReason) {
        return new NodeLiveness(newState, newSince, newReason, lastSeen, intervalMs, timeoutOverrideMs, sessionId);
    }

    NodeLiveness withLastSeen(long ts) {
        return new NodeLiveness(state, since, reason, Math.max(lastSeen, ts), intervalMs, timeoutOverrideMs, sessionId);
    }

    NodeLiveness withInterval(long ms) {
        return new NodeLiveness(state, since, reason, lastSeen, ms, timeoutOverrideMs, sessionId);
    }

    NodeLiveness withTimeoutOverride(long ms) {
        return new NodeLiveness(state, since, reason, lastSeen, intervalMs, ms, sessionId);
    }

    NodeLiveness withSession(UUID session) {
        return new NodeLiveness(state, since, reason, lastSeen, intervalMs, timeoutOverrideMs, session);
    }

    /** A fixed binary layout: the store is read in full at every check, so it must be cheap to decode. */
    static Serde<NodeLiveness> serde() {
        Serializer<NodeLiveness> ser = (topic, n) -> {
            if (n == null) {
                return null;
            }
            ByteBuffer b = ByteBuffer.allocate(1 + 2 + 8 * 4 + 1 + 16);
            b.put((byte) 1); // layout version
            b.put((byte) (n.state == null ? -1 : n.state.ordinal()));
            b.put((byte) (n.reason == null ? -1 : n.reason.ordinal()));
            b.putLong(n.since).putLong(n.lastSeen).putLong(n.intervalMs).putLong(n.timeoutOverrideMs);
            b.put((byte) (n.sessionId == null ? 0 : 1));
            b.putLong(n.sessionId == null ? 0 : n.sessionId.getMostSignificantBits());
            b.putLong(n.sessionId == null ? 0 : n.sessionId.getLeastSignificantBits());
            return b.array();
        };
        Deserializer<NodeLiveness> de = (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            ByteBuffer b = ByteBuffer.wrap(bytes);
            if (b.get() != 1) {
                throw new IllegalStateException("unknown node liveness layout");
            }
            byte state = b.get();
            byte reason = b.get();
            long since = b.getLong();
            long lastSeen = b.getLong();
            long interval = b.getLong();
            long override = b.getLong();
            boolean hasSession = b.get() == 1;
            long hi = b.getLong();
            long lo = b.getLong();
            return new NodeLiveness(state < 0 ? null : NodeState.values()[state], since,
                    reason < 0 ? null : StatusReason.values()[reason], lastSeen, interval, override,
                    hasSession ? new UUID(hi, lo) : null);
        };
        return Serdes.serdeFrom(ser, de);
    }
}
