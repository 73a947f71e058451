package org.dvic.protocol.json;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import org.dvic.protocol.event.Event;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The event type names of {@link Event}'s registry and the checks on an event's {@code "type"} and
 * {@code "v"}, for both codecs (databind's {@link EventCodec}, the streaming {@link RecordJson}).
 */
public final class EventTypes {
    private static final Map<String, Class<? extends Event>> BY_NAME = load();
    private static final Map<Class<?>, String> NAMES = names();

    private EventTypes() {
    }

    /** Every event type name and its record, in the order of {@link Event}'s registry. */
    public static Map<String, Class<? extends Event>> byName() {
        return BY_NAME;
    }

    private static Map<String, Class<? extends Event>> load() {
        Map<String, Class<? extends Event>> types = new LinkedHashMap<>();
        for (JsonSubTypes.Type t : Event.class.getAnnotation(JsonSubTypes.class).value()) {
            types.put(t.name(), t.value().asSubclass(Event.class));
        }
        return Collections.unmodifiableMap(types);
    }

    /** The {@code "type"} name of an event record, or null for a class that is not one. */
    public static String nameOf(Class<?> record) {
        return NAMES.get(record);
    }

    private static Map<Class<?>, String> names() {
        Map<Class<?>, String> names = new LinkedHashMap<>();
        BY_NAME.forEach((name, type) -> names.put(type, name));
        return Collections.unmodifiableMap(names);
    }

    /**
     * The record named by a document's {@code "type"}: {@code type} is the value (a String, null
     * when missing or null, anything else for another JSON type); it must name an event type that
     * is a {@code expected}. {@code path} prefixes the field in errors.
     */
    static <T extends Event> Class<? extends T> resolve(Object type, Class<T> expected, String path) {
        String field = JsonErrors.join(path, "type");
        if (type == null) {
            throw new ProtocolException(field, "missing required field");
        }
        if (!(type instanceof String name)) {
            throw new ProtocolException(field, "expected a string");
        }
        Class<? extends Event> found = BY_NAME.get(name);
        if (found == null) {
            throw new ProtocolException(field, "unknown event type '" + JsonErrors.abbreviate(name) + "'");
        }
        if (!expected.isAssignableFrom(found)) {
            throw new ProtocolException(field, "event type '" + name + "' is not allowed here");
        }
        return found.asSubclass(expected);
    }

    /** Checks a document's {@code "v"}: {@code version} is a Long for an integer, null when missing or null. */
    static void checkVersion(Object version, String path) {
        String field = JsonErrors.join(path, "v");
        if (version == null) {
            throw new ProtocolException(field, "missing required field");
        }
        if (!(version instanceof Long v)) {
            throw new ProtocolException(field, "expected an integer");
        }
        if (v != Event.VERSION) {
            throw new ProtocolException(field, "unsupported version " + v + " (supported: " + Event.VERSION + ")");
        }
    }
}
