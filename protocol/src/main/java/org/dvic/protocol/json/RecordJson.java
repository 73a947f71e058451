package org.dvic.protocol.json;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import org.dvic.protocol.InvalidFieldException;
import org.dvic.protocol.event.Event;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The protocol's records to and from JSON on jackson-core alone, producing the very bytes
 * {@link EventCodec} writes and refusing what it refuses with the same messages
 * ({@code AgentCodecTest} holds the two to each other for every event type and every malformed
 * sample). It exists for the agent: databind's ~500 classes cost it several MB and most of its
 * per-line CPU. The mapping is the one {@link ProtocolJson} configures: events start with
 * {@code "type"} and {@code "v"}, record components follow in declaration order, nulls are left
 * out, map keys are sorted, enums by name (or their {@code @JsonProperty}), UUIDs as strings.
 */
public final class RecordJson {
    private static final Pattern UUID_TEXT = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private static final ClassValue<Shape> SHAPES = new ClassValue<>() {
        @Override
        protected Shape computeValue(Class<?> type) {
            return new Shape(type);
        }
    };

    private static final ClassValue<Map<String, Object>> ENUM_NAMES = new ClassValue<>() {
        @Override
        protected Map<String, Object> computeValue(Class<?> type) {
            Map<String, Object> byName = new HashMap<>();
            for (Object constant : type.getEnumConstants()) {
                byName.put(jsonName((Enum<?>) constant), constant);
            }
            return byName;
        }
    };

    private RecordJson() {
    }

    /** A record's components, accessors and canonical constructor, found once per class. */
    private static final class Shape {
        final String[] names;
        final Method[] accessors;
        final Class<?>[] types;
        final Type[] generics;
        final Map<String, Integer> index = new HashMap<>();
        final Constructor<?> constructor;
        final String eventType;

        Shape(Class<?> type) {
            RecordComponent[] components = type.getRecordComponents();
            if (components == null) {
                throw new IllegalArgumentException(type.getName() + " is not a record");
            }
            int n = components.length;
            names = new String[n];
            accessors = new Method[n];
            types = new Class<?>[n];
            generics = new Type[n];
            for (int i = 0; i < n; i++) {
                names[i] = components[i].getName();
                accessors[i] = components[i].getAccessor();
                accessors[i].setAccessible(true);
                types[i] = components[i].getType();
                generics[i] = components[i].getGenericType();
                index.put(names[i], i);
            }
            try {
                constructor = type.getDeclaredConstructor(types);
                constructor.setAccessible(true);
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException("no canonical constructor in " + type.getName(), e);
            }
            eventType = EventTypes.nameOf(type);
        }
    }

    // ---- writing

    /** The JSON of a record (an event gets its {@code "type"} and {@code "v"} first). */
    public static byte[] write(Object record) {
        return WRITERS.get().write(record);
    }

    /**
     * One generator per thread, reused for every record it writes (an agent writes one per log
     * line): root values follow each other without a separator and each one's bytes are taken out.
     */
    private static final ThreadLocal<Writer> WRITERS = ThreadLocal.withInitial(Writer::new);

    private static final class Writer {
        private static final int KEEP_BUFFER_BYTES = 64 * 1024;
        private static final JsonFactory FACTORY = new JsonFactoryBuilder().rootValueSeparator((String) null).build();
        private final ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        private final JsonGenerator generator;

        Writer() {
            try {
                generator = FACTORY.createGenerator(out);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write to memory", e);
            }
        }

        byte[] write(Object record) {
            out.reset();
            try {
                RecordJson.write(generator, record);
                generator.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write to memory", e);
            } catch (RuntimeException e) {
                // a half-written value would prefix the next one: this generator is done
                WRITERS.remove();
                throw e;
            }
            byte[] bytes = out.toByteArray();
            if (bytes.length > KEEP_BUFFER_BYTES) {
                WRITERS.remove(); // a rare large event must not keep its buffer for the thread's life
            }
            return bytes;
        }
    }

    /** Writes one value: a record, map, collection, string, number, boolean, UUID or enum. */
    public static void write(JsonGenerator g, Object value) throws IOException {
        if (value == null) {
            g.writeNull();
        } else if (value instanceof String s) {
            g.writeString(s);
        } else if (value instanceof Long l) {
            g.writeNumber(l);
        } else if (value instanceof Integer i) {
            g.writeNumber(i);
        } else if (value instanceof Double d) {
            g.writeNumber(d);
        } else if (value instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (value instanceof UUID u) {
            g.writeString(u.toString());
        } else if (value instanceof Enum<?> e) {
            g.writeString(jsonName(e));
        } else if (value instanceof Map<?, ?> m) {
            Object[] keys = m.keySet().toArray();
            Arrays.sort(keys); // as ORDER_MAP_ENTRIES_BY_KEYS: the same event always gives the same bytes
            g.writeStartObject();
            for (Object k : keys) {
                g.writeFieldName((String) k);
                write(g, m.get(k));
            }
            g.writeEndObject();
        } else if (value instanceof Collection<?> c) {
            g.writeStartArray();
            for (Object e : c) {
                write(g, e);
            }
            g.writeEndArray();
        } else if (value.getClass().isRecord()) {
            writeRecord(g, value);
        } else {
            throw new IllegalArgumentException("not a protocol value: " + value.getClass().getName());
        }
    }

    private static void writeRecord(JsonGenerator g, Object record) throws IOException {
        Shape shape = SHAPES.get(record.getClass());
        g.writeStartObject();
        if (shape.eventType != null) {
            g.writeStringField("type", shape.eventType);
            g.writeNumberField("v", ((Event) record).v());
        }
        for (int i = 0; i < shape.names.length; i++) {
            Object v = get(shape.accessors[i], record);
            if (v != null) {
                g.writeFieldName(shape.names[i]);
                write(g, v);
            }
        }
        g.writeEndObject();
    }

    private static Object get(Method accessor, Object record) {
        try {
            return accessor.invoke(record);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + accessor, e);
        }
    }

    private static final ClassValue<String[]> ENUM_JSON_NAMES = new ClassValue<>() {
        @Override
        protected String[] computeValue(Class<?> type) {
            Object[] constants = type.getEnumConstants();
            String[] names = new String[constants.length];
            for (int i = 0; i < constants.length; i++) {
                names[i] = annotatedName((Enum<?>) constants[i]);
            }
            return names;
        }
    };

    private static String jsonName(Enum<?> e) {
        return ENUM_JSON_NAMES.get(e.getDeclaringClass())[e.ordinal()];
    }

    /** The constant's {@code @JsonProperty} name, else its name (as databind writes it). */
    private static String annotatedName(Enum<?> e) {
        try {
            JsonProperty p = e.getDeclaringClass().getField(e.name()).getAnnotation(JsonProperty.class);
            return p == null || p.value().isEmpty() ? e.name() : p.value();
        } catch (NoSuchFieldException ex) {
            return e.name();
        }
    }

    // ---- reading

    /**
     * Binds a parsed event ({@link JsonValues}) that must be a {@code expected}: its {@code "type"}
     * and {@code "v"} are checked, then its fields bound; {@code path} prefixes fields in errors.
     */
    public static <T extends Event> T readEvent(Object value, Class<T> expected, String path) {
        if (!(value instanceof Map<?, ?> object)) {
            throw new ProtocolException(JsonErrors.orRoot(path), "expected a JSON object");
        }
        Object version = object.get("v");
        Class<? extends T> type = EventTypes.resolve(object.get("type"), expected, path);
        EventTypes.checkVersion(version instanceof BigInteger ? -1L : version, path);
        return type.cast(bind(object, type, path, true));
    }

    /** Binds a parsed object to a record that is not an event (no {@code "type"} or {@code "v"}). */
    public static <T> T read(Object value, Class<T> type, String path) {
        if (!(value instanceof Map<?, ?> object)) {
            throw new ProtocolException(JsonErrors.orRoot(path), "expected " + JsonErrors.describe(type));
        }
        return type.cast(bind(object, type, path, false));
    }

    private static Object bind(Map<?, ?> object, Class<?> type, String path, boolean event) {
        Shape shape = SHAPES.get(type);
        Object[] args = new Object[shape.names.length];
        boolean[] present = new boolean[args.length];
        for (Map.Entry<?, ?> e : object.entrySet()) {
            String name = (String) e.getKey();
            if (event && (name.equals("type") || name.equals("v"))) {
                continue;
            }
            Integer i = shape.index.get(name);
            String at = JsonErrors.join(path, name);
            if (i == null) {
                throw new ProtocolException(at, "unknown field");
            }
            present[i] = true;
            if (e.getValue() == null) {
                if (shape.types[i].isPrimitive()) {
                    throw new ProtocolException(at, "must not be null");
                }
            } else {
                args[i] = convert(e.getValue(), shape.types[i], shape.generics[i], at);
            }
        }
        for (int i = 0; i < args.length; i++) {
            if (!present[i] && shape.types[i].isPrimitive()) {
                throw new ProtocolException(JsonErrors.join(path, shape.names[i]), "missing required field");
            }
        }
        try {
            return shape.constructor.newInstance(args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof InvalidFieldException invalid) {
                throw new ProtocolException(JsonErrors.join(path, invalid.field()), invalid.reason());
            }
            Throwable cause = e.getCause();
            throw new ProtocolException(JsonErrors.orRoot(path), "invalid value"
                    + (cause != null && cause.getMessage() != null ? ": " + cause.getMessage() : ""));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot construct " + type.getName(), e);
        }
    }

    private static Object convert(Object raw, Class<?> type, Type generic, String at) {
        if (type == String.class) {
            if (raw instanceof String) {
                return raw;
            }
        } else if (type == long.class || type == Long.class) {
            if (raw instanceof Long) {
                return raw;
            }
            if (raw instanceof BigInteger) {
                throw new ProtocolException(at, "number out of range");
            }
        } else if (type == int.class || type == Integer.class) {
            if (raw instanceof Long l) {
                if (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
                    throw new ProtocolException(at, "number out of range");
                }
                return l.intValue();
            }
        } else if (type == double.class || type == Double.class) {
            if (raw instanceof Number n) {
                return n.doubleValue();
            }
        } else if (type == boolean.class || type == Boolean.class) {
            if (raw instanceof Boolean) {
                return raw;
            }
        } else if (type == UUID.class) {
            if (raw instanceof String s) {
                if (!UUID_TEXT.matcher(s).matches()) {
                    throw invalid(at, s, type);
                }
                return UUID.fromString(s);
            }
        } else if (type.isEnum()) {
            if (raw instanceof String s) {
                Object constant = ENUM_NAMES.get(type).get(s);
                if (constant == null) {
                    throw invalid(at, s, type);
                }
                return constant;
            }
        } else if (Map.class.isAssignableFrom(type)) {
            if (raw instanceof Map<?, ?> m) {
                Type valueType = typeArgument(generic, 1);
                Map<String, Object> out = new LinkedHashMap<>();
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    String key = (String) e.getKey();
                    out.put(key, e.getValue() == null ? null
                            : convert(e.getValue(), raw(valueType), valueType, JsonErrors.join(at, key)));
                }
                return out;
            }
        } else if (List.class.isAssignableFrom(type)) {
            if (raw instanceof List<?> list) {
                Type elementType = typeArgument(generic, 0);
                List<Object> out = new ArrayList<>(list.size());
                for (int i = 0; i < list.size(); i++) {
                    Object e = list.get(i);
                    out.add(e == null ? null : convert(e, raw(elementType), elementType, at + "[" + i + "]"));
                }
                return out;
            }
        } else if (type.isInterface() && Event.class.isAssignableFrom(type)) {
            return readEvent(raw, type.asSubclass(Event.class), at);
        } else if (type.isRecord()) {
            if (raw instanceof Map<?, ?> m) {
                return bind(m, type, at, false);
            }
        } else {
            throw new IllegalStateException("no JSON mapping for " + type.getName() + " at " + at);
        }
        throw new ProtocolException(at, "expected " + JsonErrors.describe(type));
    }

    private static ProtocolException invalid(String at, String text, Class<?> type) {
        return new ProtocolException(at, "invalid value '" + JsonErrors.abbreviate(text) + "': expected "
                + JsonErrors.describe(type));
    }

    private static Type typeArgument(Type generic, int i) {
        if (generic instanceof ParameterizedType p) {
            return p.getActualTypeArguments()[i];
        }
        throw new IllegalStateException("raw collection type " + generic);
    }

    private static Class<?> raw(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        throw new IllegalStateException("unsupported type " + type);
    }
}
