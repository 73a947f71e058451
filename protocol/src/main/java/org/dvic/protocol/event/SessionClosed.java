package org.dvic.protocol.event;

import org.dvic.protocol.Check;
import org.dvic.protocol.Limits;
import org.dvic.protocol.Nullable;

import java.util.UUID;

/** An agent socket closed; {@code reason} says why, {@code detail} adds the close frame's text if any. */
public record SessionClosed(UUID nodeId, UUID sessionId, long ts, CloseReason reason, @Nullable String detail)
        implements SessionEvent {
    public static final String TYPE = "session-closed";

    public SessionClosed {
        Check.required(nodeId, "nodeId");
        Check.required(sessionId, "sessionId");
        Check.nonNegative(ts, "ts");
        Check.required(reason, "reason");
        Check.optionalText(detail, "detail", Limits.TEXT);
    }

    /** Why a socket closed. Only AGENT_CLOSED is a deliberate goodbye; the others may be followed by a reconnect. */
    public enum CloseReason {
        /** The agent closed the socket cleanly (normal closure). */
        AGENT_CLOSED,
        /** The connection dropped without a close frame. */
        CONNECTION_LOST,
        /** The gateway is shutting down; the agent reconnects elsewhere. */
        GATEWAY_SHUTDOWN,
        /** The gateway closed it for a protocol violation. */
        PROTOCOL_ERROR,
        /** The node was revoked while connected. */
        REVOKED
    }
}
