package org.dvic.protocol.event;

import java.util.UUID;

/** The gateway's record of an agent socket opening or closing; liveness reads the closes. */
public sealed interface SessionEvent extends Event permits SessionOpened, SessionClosed {
    UUID nodeId();

    /** Unique per socket, so an open and its close pair up even across gateways. */
    UUID sessionId();

    long ts();
}
