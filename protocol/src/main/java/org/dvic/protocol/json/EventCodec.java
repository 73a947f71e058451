package org.dvic.protocol.json;

import com.fasterxml.jackson.databind.JsonNode;
import org.dvic.protocol.event.Event;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Event records to and from their JSON form. Decoding is strict: the document must be one object
 * with a known {@code "type"}, the supported {@code "v"}, every required field with the right type,
 * nothing else, and nothing after it. Thread-safe; make one and share it.
 */
public final class EventCodec {
    private final ProtocolJson json;

    public EventCodec() {
        this(new ProtocolJson());
    }

    public EventCodec(ProtocolJson json) {
        this.json = json;
    }

    /** Every event type name and its record, in the order of {@link Event}'s registry. */
    public static Map<String, Class<? extends Event>> types() {
        return EventTypes.byName();
    }

    public byte[] encode(Event event) {
        return json.write(event);
    }

    public String encodeToString(Event event) {
        return new String(encode(event), StandardCharsets.UTF_8);
    }

    public Event decode(byte[] document) {
        return decode(document, Event.class);
    }

    public Event decode(String document) {
        return decode(document.getBytes(StandardCharsets.UTF_8), Event.class);
    }

    /** Decodes a document that must be an event of {@code expected} (an interface or a record). */
    public <T extends Event> T decode(byte[] document, Class<T> expected) {
        return fromTree(json.parse(document), expected, "");
    }

    /** Binds an already parsed event, e.g. one element of a batch; {@code path} prefixes error fields. */
    public <T extends Event> T fromTree(JsonNode node, Class<T> expected, String path) {
        if (!node.isObject()) {
            throw new ProtocolException(path.isEmpty() ? "$" : path, "expected a JSON object");
        }
        Class<? extends T> type = EventTypes.resolve(scalar(node.get("type")), expected, path);
        EventTypes.checkVersion(scalar(node.get("v")), path);
        return json.bind(node, type, path);
    }

    /** A string as a String, an integer as a Long, null for missing or null, the node itself otherwise. */
    private static Object scalar(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (n.isTextual()) {
            return n.textValue();
        }
        return n.isIntegralNumber() && n.canConvertToLong() ? (Object) n.asLong() : n;
    }
}
