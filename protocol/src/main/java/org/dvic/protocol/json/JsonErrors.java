package org.dvic.protocol.json;

import com.fasterxml.jackson.core.JsonProcessingException;

import java.io.IOException;
import java.util.Arrays;
import java.util.Collection;
import java.util.UUID;

/**
 * The wording of contract violations, shared by the databind codecs ({@link ProtocolJson}) and the
 * streaming ones ({@link RecordJson}) so both refuse a document with the same message. Depends on
 * jackson-core only.
 */
public final class JsonErrors {
    private JsonErrors() {
    }

    /** A document the parser could not read, as the contract violation on {@code $}. */
    static ProtocolException unreadable(IOException e) {
        return new ProtocolException("$", e instanceof JsonProcessingException syntax ? syntaxReason(syntax)
                : "unreadable document: " + e.getMessage());
    }

    /** A parser failure in words: trailing content, duplicate field, invalid UTF-8 or where the JSON breaks. */
    static String syntaxReason(JsonProcessingException e) {
        String msg = e.getOriginalMessage();
        if (msg.startsWith("Trailing token")) {
            return "trailing content after the JSON document";
        }
        if (msg.startsWith("Duplicate field")) {
            return "duplicate field " + msg.substring("Duplicate field ".length());
        }
        if (msg.contains("Invalid UTF-8")) {
            return "invalid UTF-8";
        }
        var loc = e.getLocation();
        return "invalid JSON" + (loc != null ? " at offset " + loc.getCharOffset() : "") + ": " + msg;
    }

    /** {@code prefix.field}, or {@code prefix[i]} for an index; either part may be empty. */
    static String join(String prefix, String field) {
        if (prefix == null || prefix.isEmpty()) {
            return field;
        }
        if (field == null || field.isEmpty()) {
            return prefix;
        }
        return field.startsWith("[") ? prefix + field : prefix + "." + field;
    }

    static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "…";
    }

    static String orRoot(String path) {
        return path == null || path.isEmpty() ? "$" : path;
    }

    /** What a value of {@code type} looks like in JSON, for "expected ..." messages. */
    static String describe(Class<?> type) {
        if (type == null) {
            return "a different type";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type == UUID.class) {
            return "a UUID string";
        }
        if (type == long.class || type == Long.class || type == int.class || type == Integer.class) {
            return "an integer";
        }
        if (type == double.class || type == Double.class) {
            return "a number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "a boolean";
        }
        if (type.isEnum()) {
            return "one of " + Arrays.toString(type.getEnumConstants());
        }
        if (Collection.class.isAssignableFrom(type)) {
            return "an array";
        }
        return "an object";
    }
}
