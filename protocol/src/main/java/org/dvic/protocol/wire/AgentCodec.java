package org.dvic.protocol.wire;

import org.dvic.protocol.InvalidFieldException;
import org.dvic.protocol.event.Command;
import org.dvic.protocol.event.Event;
import org.dvic.protocol.json.JsonValues;
import org.dvic.protocol.json.ProtocolException;
import org.dvic.protocol.json.RecordJson;

import java.util.Map;

/**
 * What an agent needs of the protocol — its events to JSON, the gateway's frames from JSON — on
 * jackson-core alone ({@link RecordJson}): the same bytes as {@link org.dvic.protocol.json.EventCodec}
 * and the same strictness as {@link WireCodec#decodeServerFrame}, without loading databind.
 * Thread-safe.
 */
public final class AgentCodec {
    public byte[] encode(Event event) {
        return RecordJson.write(event);
    }

    /** Decodes a document that must be an event of {@code expected} (an interface or a record). */
    public <T extends Event> T decode(byte[] document, Class<T> expected) {
        return RecordJson.readEvent(JsonValues.parse(document), expected, "");
    }

    /** {@code {"ack":N}}, {@code {"command":{...}}} or {@code {"error":{...}}}. */
    public ServerFrame decodeServerFrame(byte[] frame) {
        Object root = JsonValues.parse(frame);
        if (!(root instanceof Map<?, ?> object) || object.size() != 1) {
            throw new ProtocolException("$", "expected an object with exactly one of ack, command, error");
        }
        Map.Entry<?, ?> only = object.entrySet().iterator().next();
        String kind = (String) only.getKey();
        Object value = only.getValue();
        return switch (kind) {
            case "ack" -> {
                if (!(value instanceof Long ack)) {
                    throw new ProtocolException("ack", "expected an integer");
                }
                try {
                    yield new ServerFrame.Ack(ack);
                } catch (InvalidFieldException e) {
                    throw new ProtocolException(e.field(), e.reason());
                }
            }
            case "command" -> new ServerFrame.CommandDelivery(RecordJson.readEvent(value, Command.class, "command"));
            case "error" -> RecordJson.read(value, ServerFrame.ErrorFrame.class, "error");
            default -> throw new ProtocolException(kind, "unknown frame kind");
        };
    }
}
