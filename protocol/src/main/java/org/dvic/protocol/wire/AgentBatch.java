package org.dvic.protocol.wire;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import org.dvic.protocol.InvalidFieldException;
import org.dvic.protocol.Limits;
import org.dvic.protocol.event.Event;
import org.dvic.protocol.event.NodeEvent;

import java.util.List;

/**
 * Agent to gateway: consecutive spooled events. {@code seq} is the seq of the last event; the
 * events' seqs strictly increase. The gateway answers {@link ServerFrame.Ack} with this seq once
 * every event is in Kafka, which acknowledges every event up to and including it.
 */
@JsonPropertyOrder({"v", "seq", "events"})
public record AgentBatch(long seq, List<NodeEvent> events) {

    public AgentBatch {
        if (seq < 0) {
            throw new InvalidFieldException("seq", "must not be negative");
        }
        if (events == null || events.isEmpty()) {
            throw new InvalidFieldException("events", "must hold at least one event");
        }
        if (events.size() > Limits.BATCH_EVENTS) {
            throw new InvalidFieldException("events", "more than " + Limits.BATCH_EVENTS + " events");
        }
        long previous = -1;
        for (int i = 0; i < events.size(); i++) {
            long s = events.get(i).seq();
            if (s <= previous) {
                throw new InvalidFieldException("events[" + i + "].seq", "must be greater than the previous event's seq");
            }
            previous = s;
        }
        if (previous != seq) {
            throw new InvalidFieldException("seq", "must equal the last event's seq (" + previous + ")");
        }
        events = List.copyOf(events);
    }

    @JsonProperty("v")
    public int v() {
        return Event.VERSION;
    }
}
