package org.dvic.protocol.event;

import org.dvic.protocol.Check;

import java.util.UUID;

/** "I am alive"; {@code intervalMs} announces when the next one is due, which sets the liveness timeout. */
public record Heartbeat(UUID nodeId, long seq, long ts, long intervalMs) implements NodeEvent {
    public static final String TYPE = "heartbeat";

    public Heartbeat {
        Check.required(nodeId, "nodeId");
        Check.nonNegative(seq, "seq");
        Check.nonNegative(ts, "ts");
        Check.positive(intervalMs, "intervalMs");
    }
}
