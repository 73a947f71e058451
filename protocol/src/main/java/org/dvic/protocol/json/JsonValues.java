package org.dvic.protocol.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JSON document as plain Java values, read with jackson-core alone: objects as
 * {@code LinkedHashMap<String, Object>} (document order; a JSON null is a key mapped to null),
 * arrays as {@code List<Object>}, strings, {@code Long} (or {@code BigInteger} past 64 bits) for
 * integers, {@code Double} for other numbers, {@code Boolean}. Parsing is as strict as
 * {@link ProtocolJson#parse}: duplicate keys, invalid UTF-8 and trailing content are refused with
 * the same messages. For the agent, which must not carry databind's classes (issue 7's footprint).
 */
public final class JsonValues {
    /** Deeper documents are refused: no protocol document nests more than a few levels. */
    static final int MAX_DEPTH = 64;
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private JsonValues() {
    }

    /** The shared, thread-safe factory (duplicate keys refused) for streaming readers and writers. */
    public static JsonFactory factory() {
        return FACTORY;
    }

    public static Object parse(byte[] document) {
        return parse(document, 0, document.length);
    }

    /** One JSON document; a {@link ProtocolException} on {@code $} when it is not one. */
    public static Object parse(byte[] document, int offset, int length) {
        try (JsonParser p = FACTORY.createParser(document, offset, length)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw new ProtocolException("$", "empty document");
            }
            Object value = read(p, first, 0);
            if (p.nextToken() != null) {
                throw new ProtocolException("$", "trailing content after the JSON document");
            }
            return value;
        } catch (IOException e) {
            throw JsonErrors.unreadable(e);
        }
    }

    /** A document that must be a JSON object. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(byte[] document, int offset, int length) {
        Object value = parse(document, offset, length);
        if (!(value instanceof Map)) {
            throw new ProtocolException("$", "expected a JSON object");
        }
        return (Map<String, Object>) value;
    }

    public static Map<String, Object> parseObject(byte[] document) {
        return parseObject(document, 0, document.length);
    }

    private static Object read(JsonParser p, JsonToken t, int depth) throws IOException {
        switch (t) {
            case START_OBJECT -> {
                checkDepth(depth);
                Map<String, Object> object = new LinkedHashMap<>();
                for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
                    object.put(name, read(p, p.nextToken(), depth + 1));
                }
                return object;
            }
            case START_ARRAY -> {
                checkDepth(depth);
                List<Object> array = new ArrayList<>();
                for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                    array.add(read(p, e, depth + 1));
                }
                return array;
            }
            case VALUE_STRING -> {
                return p.getText();
            }
            case VALUE_NUMBER_INT -> {
                return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? (Object) p.getBigIntegerValue()
                        : (Object) p.getLongValue();
            }
            case VALUE_NUMBER_FLOAT -> {
                return p.getDoubleValue();
            }
            case VALUE_TRUE -> {
                return Boolean.TRUE;
            }
            case VALUE_FALSE -> {
                return Boolean.FALSE;
            }
            case VALUE_NULL -> {
                return null;
            }
            default -> throw new ProtocolException("$", "invalid JSON: unexpected " + t);
        }
    }

    private static void checkDepth(int depth) {
        if (depth >= MAX_DEPTH) {
            throw new ProtocolException("$", "nested deeper than " + MAX_DEPTH + " levels");
        }
    }
}
