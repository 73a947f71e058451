package org.dvic.protocol.schema;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.dvic.protocol.Nullable;
import org.dvic.protocol.event.Event;
import org.dvic.protocol.json.EventCodec;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Derives the JSON Schema (draft 2020-12) of every event type from its record, so the schema files
 * under {@code resources/schemas/} cannot drift from the code: a test compares them. Value rules
 * that JSON Schema cannot see (limits, patterns checked in constructors) are in docs/topics.md.
 */
public final class EventSchemas {
    public static final String DIALECT = "https://json-schema.org/draft/2020-12/schema";
    private static final String UUID_PATTERN = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private EventSchemas() {
    }

    /** Type name to schema, for every event type. */
    public static Map<String, ObjectNode> all() {
        Map<String, ObjectNode> schemas = new LinkedHashMap<>();
        EventCodec.types().forEach((name, type) -> schemas.put(name, schemaOf(name, type)));
        return schemas;
    }

    /** The schema file's name for an event type. */
    public static String fileName(String typeName) {
        return typeName + ".schema.json";
    }

    public static String render(ObjectNode schema) {
        try {
            return new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(schema) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static ObjectNode schemaOf(String typeName, Class<? extends Event> type) {
        ObjectNode schema = NODES.objectNode();
        schema.put("$schema", DIALECT);
        schema.put("$id", "urn:dvic:schema:" + typeName + ":v" + Event.VERSION);
        schema.put("title", typeName);
        ObjectNode props = NODES.objectNode();
        props.set("type", NODES.objectNode().put("const", typeName));
        props.set("v", NODES.objectNode().put("const", Event.VERSION));
        ArrayNode required = NODES.arrayNode().add("type").add("v");
        fillObject(schema, type, props, required);
        return schema;
    }

    private static void fillObject(ObjectNode schema, Class<?> record, ObjectNode props, ArrayNode required) {
        schema.put("type", "object");
        for (RecordComponent c : record.getRecordComponents()) {
            boolean nullable = c.isAnnotationPresent(Nullable.class);
            ObjectNode property = schemaOfType(c.getGenericType());
            props.set(c.getName(), nullable ? orNull(property) : property);
            if (!nullable) {
                required.add(c.getName());
            }
        }
        schema.set("properties", props);
        schema.set("required", required);
        schema.put("additionalProperties", false);
    }

    private static ObjectNode schemaOfType(Type type) {
        if (type instanceof ParameterizedType p) {
            Class<?> raw = (Class<?>) p.getRawType();
            Type[] args = p.getActualTypeArguments();
            if (Map.class.isAssignableFrom(raw)) {
                return NODES.objectNode().put("type", "object").set("additionalProperties", schemaOfType(args[1]));
            }
            if (List.class.isAssignableFrom(raw)) {
                return NODES.objectNode().put("type", "array").set("items", schemaOfType(args[0]));
            }
            throw new IllegalArgumentException("no schema mapping for " + type);
        }
        Class<?> c = (Class<?>) type;
        if (c == String.class) {
            return NODES.objectNode().put("type", "string");
        }
        if (c == UUID.class) {
            return NODES.objectNode().put("type", "string").put("format", "uuid").put("pattern", UUID_PATTERN);
        }
        if (c == long.class || c == int.class || c == Long.class || c == Integer.class) {
            return NODES.objectNode().put("type", "integer");
        }
        if (c == double.class || c == Double.class) {
            return NODES.objectNode().put("type", "number");
        }
        if (c == boolean.class || c == Boolean.class) {
            return NODES.objectNode().put("type", "boolean");
        }
        if (c.isEnum()) {
            ArrayNode values = NODES.arrayNode();
            for (Object constant : c.getEnumConstants()) {
                values.add(jsonName((Enum<?>) constant));
            }
            return NODES.objectNode().put("type", "string").set("enum", values);
        }
        if (c.isRecord()) {
            ObjectNode nested = NODES.objectNode();
            fillObject(nested, c, NODES.objectNode(), NODES.arrayNode());
            return nested;
        }
        throw new IllegalArgumentException("no schema mapping for " + c);
    }

    private static ObjectNode orNull(ObjectNode schema) {
        if (schema.get("type") != null && schema.get("type").isTextual() && schema.get("enum") == null) {
            ObjectNode copy = schema.deepCopy();
            copy.set("type", NODES.arrayNode().add(schema.get("type").textValue()).add("null"));
            return copy;
        }
        ObjectNode anyOf = NODES.objectNode();
        anyOf.set("anyOf", NODES.arrayNode().add(schema).add(NODES.objectNode().put("type", "null")));
        return anyOf;
    }

    private static String jsonName(Enum<?> constant) {
        try {
            JsonProperty p = constant.getDeclaringClass().getField(constant.name()).getAnnotation(JsonProperty.class);
            return p != null ? p.value() : constant.name();
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException(e);
        }
    }
}
