package org.dvic.relay.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A strict reader of one JSON request object: unknown fields, wrong types and missing required
 * fields are refused with a 400 that names the field (with its path, e.g. {@code command.timeoutMs}).
 */
public final class RequestBody {
    private final ObjectNode node;
    private final String path;

    private RequestBody(ObjectNode node, String path) {
        this.node = node;
        this.path = path;
    }

    public static RequestBody parse(String text, String... allowed) {
        if (text == null || text.isBlank()) {
            throw ApiException.invalid("$", "a JSON object body is required");
        }
        JsonNode tree;
        try {
            tree = Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw ApiException.invalid("$", "the body is not valid JSON");
        }
        if (tree == null || !tree.isObject()) {
            throw ApiException.invalid("$", "expected a JSON object");
        }
        RequestBody body = new RequestBody((ObjectNode) tree, "");
        body.only(allowed);
        return body;
    }

    private String name(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    /** Refuses any field not listed. */
    public RequestBody only(String... allowed) {
        Set<String> ok = Set.of(allowed);
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!ok.contains(f)) {
                throw ApiException.invalid(name(f), "unknown field");
            }
        }
        return this;
    }

    public boolean has(String field) {
        return node.has(field) && !node.get(field).isNull();
    }

    public String string(String field, int maxLength) {
        String v = optionalString(field, maxLength);
        if (v == null) {
            throw ApiException.invalid(name(field), "missing required field");
        }
        return v;
    }

    public String optionalString(String field, int maxLength) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw ApiException.invalid(name(field), "expected a string");
        }
        if (v.textValue().length() > maxLength) {
            throw ApiException.invalid(name(field), "longer than " + maxLength + " characters");
        }
        return v.textValue();
    }

    public Long optionalLong(String field, long min, long max) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw ApiException.invalid(name(field), "expected an integer");
        }
        long value = v.longValue();
        if (value < min || value > max) {
            throw ApiException.invalid(name(field), "must be between " + min + " and " + max);
        }
        return value;
    }

    public long longValue(String field, long min, long max) {
        Long v = optionalLong(field, min, max);
        if (v == null) {
            throw ApiException.invalid(name(field), "missing required field");
        }
        return v;
    }

    public Boolean optionalBoolean(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isBoolean()) {
            throw ApiException.invalid(name(field), "expected true or false");
        }
        return v.booleanValue();
    }

    public UUID uuid(String field) {
        String v = string(field, 36);
        return Params.uuid(v, name(field));
    }

    public Map<String, String> optionalStringMap(String field, int maxEntries) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isObject()) {
            throw ApiException.invalid(name(field), "expected an object of strings");
        }
        if (v.size() > maxEntries) {
            throw ApiException.invalid(name(field), "more than " + maxEntries + " entries");
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw ApiException.invalid(name(field) + "." + e.getKey(), "expected a string");
            }
            map.put(e.getKey(), e.getValue().textValue());
        }
        return map;
    }

    public JsonNode raw(String field) {
        return node.get(field);
    }

    public RequestBody object(String field, String... allowed) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw ApiException.invalid(name(field), "missing required field");
        }
        if (!v.isObject()) {
            throw ApiException.invalid(name(field), "expected an object");
        }
        return new RequestBody((ObjectNode) v, name(field)).only(allowed);
    }

    public String fieldName(String field) {
        return name(field);
    }
}
