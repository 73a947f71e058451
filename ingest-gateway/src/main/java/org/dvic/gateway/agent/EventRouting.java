package org.dvic.gateway.agent;

import org.dvic.protocol.event.CommandEvent;
import org.dvic.protocol.event.Heartbeat;
import org.dvic.protocol.event.Inventory;
import org.dvic.protocol.event.LogRecord;
import org.dvic.protocol.event.MetricSample;
import org.dvic.protocol.event.NodeEvent;
import org.dvic.protocol.event.ProcessState;
import org.dvic.protocol.topic.Topic;
import org.dvic.protocol.topic.Topics;

/** Which catalogue topic an agent-reported event goes to. */
public final class EventRouting {
    private EventRouting() {
    }

    public static Topic<?, ?> topicOf(NodeEvent event) {
        if (event instanceof Heartbeat) {
            return Topics.HEARTBEATS;
        } else if (event instanceof MetricSample) {
            return Topics.METRICS;
        } else if (event instanceof LogRecord) {
            return Topics.LOGS;
        } else if (event instanceof ProcessState) {
            return Topics.PROCESSES;
        } else if (event instanceof Inventory) {
            return Topics.INVENTORY;
        } else if (event instanceof CommandEvent) {
            return Topics.COMMAND_EVENTS;
        }
        throw new IllegalArgumentException("no topic for " + event.getClass().getSimpleName());
    }
}
