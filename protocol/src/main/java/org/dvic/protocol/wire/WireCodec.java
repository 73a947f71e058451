package org.dvic.protocol.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.dvic.protocol.InvalidFieldException;
import org.dvic.protocol.event.Command;
import org.dvic.protocol.event.Event;
import org.dvic.protocol.event.NodeEvent;
import org.dvic.protocol.json.EventCodec;
import org.dvic.protocol.json.ProtocolException;
import org.dvic.protocol.json.ProtocolJson;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The agent WebSocket frames and the board HTTP bodies, to and from JSON; as strict as {@link EventCodec}. */
public final class WireCodec {
    private static final Set<String> BATCH_FIELDS = Set.of("v", "seq", "events");

    private final ProtocolJson json;
    private final EventCodec events;

    public WireCodec() {
        this(new ProtocolJson());
    }

    public WireCodec(ProtocolJson json) {
        this.json = json;
        this.events = new EventCodec(json);
    }

    public byte[] encode(AgentBatch batch) {
        return json.write(batch);
    }

    public AgentBatch decodeBatch(byte[] frame) {
        JsonNode root = json.parse(frame);
        if (!root.isObject()) {
            throw new ProtocolException("$", "expected a JSON object");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!BATCH_FIELDS.contains(name)) {
                throw new ProtocolException(name, "unknown field");
            }
        }
        JsonNode v = require(root, "v");
        if (!v.isIntegralNumber() || v.asLong() != Event.VERSION) {
            throw new ProtocolException("v", v.isIntegralNumber()
                    ? "unsupported version " + v.asLong() + " (supported: " + Event.VERSION + ")"
                    : "expected an integer");
        }
        JsonNode seq = require(root, "seq");
        if (!seq.isIntegralNumber() || !seq.canConvertToLong()) {
            throw new ProtocolException("seq", "expected an integer");
        }
        JsonNode list = require(root, "events");
        if (!list.isArray()) {
            throw new ProtocolException("events", "expected an array");
        }
        List<NodeEvent> decoded = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            decoded.add(events.fromTree(list.get(i), NodeEvent.class, "events[" + i + "]"));
        }
        try {
            return new AgentBatch(seq.asLong(), decoded);
        } catch (InvalidFieldException e) {
            throw new ProtocolException(e.field(), e.reason());
        }
    }

    public byte[] encode(ServerFrame frame) {
        ObjectNode root = json.mapper().createObjectNode();
        if (frame instanceof ServerFrame.Ack ack) {
            root.put("ack", ack.ack());
        } else if (frame instanceof ServerFrame.CommandDelivery delivery) {
            root.set("command", json.mapper().valueToTree(delivery.command()));
        } else {
            root.set("error", json.mapper().valueToTree(frame));
        }
        return json.write(root);
    }

    public ServerFrame decodeServerFrame(byte[] frame) {
        JsonNode root = json.parse(frame);
        if (!root.isObject() || root.size() != 1) {
            throw new ProtocolException("$", "expected an object with exactly one of ack, command, error");
        }
        Map.Entry<String, JsonNode> only = root.fields().next();
        return switch (only.getKey()) {
            case "ack" -> {
                if (!only.getValue().isIntegralNumber()) {
                    throw new ProtocolException("ack", "expected an integer");
                }
                yield wrap(() -> new ServerFrame.Ack(only.getValue().asLong()));
            }
            case "command" -> new ServerFrame.CommandDelivery(
                    events.fromTree(only.getValue(), Command.class, "command"));
            case "error" -> json.bind(only.getValue(), ServerFrame.ErrorFrame.class, "error");
            default -> throw new ProtocolException(only.getKey(), "unknown frame kind");
        };
    }

    public BoardKeepalive decodeKeepalive(byte[] body) {
        JsonNode root = json.parse(body);
        if (!root.isObject()) {
            throw new ProtocolException("$", "expected a JSON object");
        }
        return json.bind(root, BoardKeepalive.class, "");
    }

    public byte[] encode(BoardKeepalive keepalive) {
        return json.write(keepalive);
    }

    public byte[] encode(BoardKeepaliveReply reply) {
        return json.write(reply);
    }

    public BoardKeepaliveReply decodeKeepaliveReply(byte[] body) {
        JsonNode root = json.parse(body);
        JsonNode list = root.isObject() && root.size() == 1 ? root.get("commands") : null;
        if (list == null || !list.isArray()) {
            throw new ProtocolException("$", "expected {\"commands\": [...]}");
        }
        List<Command> commands = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            commands.add(events.fromTree(list.get(i), Command.class, "commands[" + i + "]"));
        }
        return new BoardKeepaliveReply(commands);
    }

    private static JsonNode require(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            throw new ProtocolException(field, "missing required field");
        }
        return node;
    }

    private static <T> T wrap(java.util.function.Supplier<T> make) {
        try {
            return make.get();
        } catch (InvalidFieldException e) {
            throw new ProtocolException(e.field(), e.reason());
        }
    }
}
