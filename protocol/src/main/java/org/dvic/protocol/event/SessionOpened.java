package org.dvic.protocol.event;

import org.dvic.protocol.Check;
import org.dvic.protocol.Limits;

import java.util.UUID;

/** An agent authenticated and its socket is open. {@code remote} is the peer address as seen by the gateway. */
public record SessionOpened(UUID nodeId, UUID sessionId, long ts, String remote) implements SessionEvent {
    public static final String TYPE = "session-opened";

    public SessionOpened {
        Check.required(nodeId, "nodeId");
        Check.required(sessionId, "sessionId");
        Check.nonNegative(ts, "ts");
        Check.text(remote, "remote", Limits.NAME);
    }
}
