package org.dvic.protocol.json;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.databind.JsonNode;
import org.dvic.protocol.event.Event;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Event records to and from their JSON form. Decoding is strict: the document must be one object
 * with a known {@code "type"}, the supported {@code "v"}, every required field with the right type,
 * nothing else, and nothing after it. Thread-safe; make one and share it.
 */
public final class EventCodec {
    private static final Map<String, Class<? extends Event>> TYPES = eventTypes();

    private final ProtocolJson json;

    public EventCodec() {
        this(new ProtocolJson());
    }

    public EventCodec(ProtocolJson json) {
        this.json = json;
    }

    /** Every event type name and its record, in the order of {@link Event}'s registry. */
    public static Map<String, Class<? extends Event>> types() {
        return TYPES;
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
        JsonNode typeNode = node.get("type");
        String typeField = ProtocolJson.join(path, "type");
        if (typeNode == null || typeNode.isNull()) {
            throw new ProtocolException(typeField, "missing required field");
        }
        if (!typeNode.isTextual()) {
            throw new ProtocolException(typeField, "expected a string");
        }
        Class<? extends Event> type = TYPES.get(typeNode.textValue());
        if (type == null) {
            throw new ProtocolException(typeField, "unknown event type '" + abbreviate(typeNode.textValue()) + "'");
        }
        if (!expected.isAssignableFrom(type)) {
            throw new ProtocolException(typeField, "event type '" + typeNode.textValue() + "' is not allowed here");
        }
        JsonNode version = node.get("v");
        String versionField = ProtocolJson.join(path, "v");
        if (version == null || version.isNull()) {
            throw new ProtocolException(versionField, "missing required field");
        }
        if (!version.isIntegralNumber()) {
            throw new ProtocolException(versionField, "expected an integer");
        }
        if (version.asLong() != Event.VERSION) {
            throw new ProtocolException(versionField, "unsupported version " + version.asLong()
                    + " (supported: " + Event.VERSION + ")");
        }
        return expected.cast(json.bind(node, type, path));
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "…";
    }

    private static Map<String, Class<? extends Event>> eventTypes() {
        Map<String, Class<? extends Event>> types = new LinkedHashMap<>();
        for (JsonSubTypes.Type t : Event.class.getAnnotation(JsonSubTypes.class).value()) {
            types.put(t.name(), t.value().asSubclass(Event.class));
        }
        return Collections.unmodifiableMap(types);
    }
}
