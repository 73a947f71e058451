package org.dvic.protocol.event;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * One fact on a Kafka topic. Serialized as a JSON object whose {@code "type"} names the record
 * and whose {@code "v"} is its schema version. The list below is the single registry of event
 * types: the codec, the JSON Schemas and the docs are all derived from it.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = Heartbeat.class, name = Heartbeat.TYPE),
        @JsonSubTypes.Type(value = MetricSample.class, name = MetricSample.TYPE),
        @JsonSubTypes.Type(value = LogRecord.class, name = LogRecord.TYPE),
        @JsonSubTypes.Type(value = ProcessState.class, name = ProcessState.TYPE),
        @JsonSubTypes.Type(value = Inventory.class, name = Inventory.TYPE),
        @JsonSubTypes.Type(value = SessionOpened.class, name = SessionOpened.TYPE),
        @JsonSubTypes.Type(value = SessionClosed.class, name = SessionClosed.TYPE),
        @JsonSubTypes.Type(value = NodeStatus.class, name = NodeStatus.TYPE),
        @JsonSubTypes.Type(value = MetricRollup.class, name = MetricRollup.TYPE),
        @JsonSubTypes.Type(value = Command.Exec.class, name = Command.Exec.TYPE),
        @JsonSubTypes.Type(value = Command.Signal.class, name = Command.Signal.TYPE),
        @JsonSubTypes.Type(value = Command.TerminalOpen.class, name = Command.TerminalOpen.TYPE),
        @JsonSubTypes.Type(value = Command.TerminalInput.class, name = Command.TerminalInput.TYPE),
        @JsonSubTypes.Type(value = Command.TerminalResize.class, name = Command.TerminalResize.TYPE),
        @JsonSubTypes.Type(value = Command.TerminalClose.class, name = Command.TerminalClose.TYPE),
        @JsonSubTypes.Type(value = Command.Update.class, name = Command.Update.TYPE),
        @JsonSubTypes.Type(value = CommandEvent.Accepted.class, name = CommandEvent.Accepted.TYPE),
        @JsonSubTypes.Type(value = CommandEvent.Undeliverable.class, name = CommandEvent.Undeliverable.TYPE),
        @JsonSubTypes.Type(value = CommandEvent.Output.class, name = CommandEvent.Output.TYPE),
        @JsonSubTypes.Type(value = CommandEvent.Completed.class, name = CommandEvent.Completed.TYPE),
        @JsonSubTypes.Type(value = CommandEvent.Failed.class, name = CommandEvent.Failed.TYPE),
        @JsonSubTypes.Type(value = CommandEvent.Expired.class, name = CommandEvent.Expired.TYPE),
        @JsonSubTypes.Type(value = RegistryEntry.class, name = RegistryEntry.TYPE),
        @JsonSubTypes.Type(value = Rejected.class, name = Rejected.TYPE),
})
@JsonPropertyOrder({"type", "v"})
// "v" is written from v() and checked by the codec before binding, so binding ignores it.
@JsonIgnoreProperties(value = {"v"}, allowGetters = true)
public sealed interface Event permits NodeEvent, SessionEvent, NodeStatus, MetricRollup, Command,
        CommandEvent, RegistryEntry, Rejected {

    /** Schema version of every event type; bumped per type when its shape changes incompatibly. */
    int VERSION = 1;

    @JsonProperty("v")
    default int v() {
        return VERSION;
    }
}
