package org.dvic.protocol.event;

import java.util.UUID;

/**
 * An event an agent (or the gateway on behalf of an ESP32 board) reports about its node. {@code seq}
 * is monotonic per node and persisted by the agent, so (node, seq) identifies the event for
 * idempotent storage; {@code ts} is the observation time in epoch milliseconds (UTC).
 */
public sealed interface NodeEvent extends Event permits Heartbeat, MetricSample, LogRecord, ProcessState,
        Inventory, CommandEvent.Output, CommandEvent.Completed, CommandEvent.Failed {
    UUID nodeId();

    long seq();

    long ts();
}
