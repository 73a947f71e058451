package org.dvic.agent.demolog;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import org.dvic.protocol.Limits;
import org.dvic.protocol.event.LogLevel;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parses record lines (FORMAT.md §3) with Jackson's streaming parser: no tree per line, and field
 * numbers keep the exact text the library wrote ({@code 1.5}, {@code 1e+21}). Field values become
 * strings as {@code LogRecord} carries them; the few limits of the event (key length, entry count,
 * message length) are applied here so a line is never refused later.
 */
public final class DemoLineParser {
    /** Field set on a line the library cut (§7). */
    public static final String TRUNCATED_FIELD = "dvic_truncated";

    private final JsonFactory factory;

    public DemoLineParser(JsonFactory factory) {
        this.factory = factory;
    }

    /** One parsed record line. */
    public record Line(long ts, LogLevel level, String message, Map<String, String> fields, String exception) {
    }

    public Line parse(byte[] buf, int off, int len) {
        try (JsonParser p = factory.createParser(buf, off, len)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new MalformedLineException("not a JSON object");
            }
            String ts = null;
            LogLevel level = null;
            String msg = null;
            Map<String, String> fields = null;
            String exc = null;
            boolean truncated = false;
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    case "ts" -> ts = string(p, v, "ts");
                    case "level" -> level = level(string(p, v, "level"));
                    case "msg" -> msg = string(p, v, "msg");
                    case "fields" -> fields = fields(p, v);
                    case "exc" -> exc = exception(p, v);
                    case "truncated" -> truncated = v == JsonToken.VALUE_TRUE;
                    default -> p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT) {
                throw new MalformedLineException("not a JSON object");
            }
            if (p.nextToken() != null) {
                throw new MalformedLineException("content after the JSON object");
            }
            if (ts == null || level == null || msg == null) {
                throw new MalformedLineException("lacks " + (ts == null ? "ts" : level == null ? "level" : "msg"));
            }
            if (truncated) {
                if (fields == null) {
                    fields = new LinkedHashMap<>(2);
                }
                if (fields.size() < Limits.MAP_ENTRIES) {
                    fields.put(TRUNCATED_FIELD, "true");
                }
            }
            return new Line(timestamp(ts), level, cut(msg, Limits.MESSAGE), fields, exc);
        } catch (IOException e) {
            throw new MalformedLineException("not valid JSON");
        }
    }

    private static String string(JsonParser p, JsonToken v, String field) throws IOException {
        if (v != JsonToken.VALUE_STRING) {
            p.skipChildren();
            throw new MalformedLineException(field + " is not a string");
        }
        return p.getText();
    }

    private static LogLevel level(String s) {
        return switch (s) {
            case "TRACE" -> LogLevel.TRACE;
            case "DEBUG" -> LogLevel.DEBUG;
            case "INFO" -> LogLevel.INFO;
            case "WARN" -> LogLevel.WARN;
            case "ERROR" -> LogLevel.ERROR;
            case "FATAL" -> LogLevel.FATAL;
            default -> throw new MalformedLineException("unknown level");
        };
    }

    private static Map<String, String> fields(JsonParser p, JsonToken v) throws IOException {
        if (v != JsonToken.START_OBJECT) {
            p.skipChildren();
            throw new MalformedLineException("fields is not an object");
        }
        Map<String, String> out = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken value = p.nextToken();
            String text = switch (value) {
                case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> p.getText();
                case VALUE_TRUE -> "true";
                case VALUE_FALSE -> "false";
                case VALUE_NULL -> "null";
                default -> {
                    p.skipChildren();
                    yield "(not a scalar)";
                }
            };
            if (key.isBlank() || out.size() >= Limits.MAP_ENTRIES - 1) {
                continue; // one entry stays free for the truncation mark
            }
            out.put(cut(key, Limits.NAME), cut(text, Limits.TEXT));
        }
        return out.isEmpty() ? null : out;
    }

    private static String exception(JsonParser p, JsonToken v) throws IOException {
        if (v != JsonToken.START_OBJECT) {
            p.skipChildren();
            throw new MalformedLineException("exc is not an object");
        }
        String type = "";
        String message = "";
        String stack = "";
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken value = p.nextToken();
            String text = value == JsonToken.VALUE_STRING ? p.getText() : null;
            if (text == null) {
                p.skipChildren();
                continue;
            }
            switch (key) {
                case "type" -> type = text;
                case "message" -> message = text;
                case "stack" -> stack = text;
                default -> {
                }
            }
        }
        String s = message.isEmpty() ? type : type + ": " + message;
        if (!stack.isEmpty()) {
            s = s + "\n" + stack;
        }
        return cut(s, Limits.MESSAGE);
    }

    private static String cut(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        int end = max;
        if (Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end);
    }

    /** {@code YYYY-MM-DDTHH:MM:SS.mmmZ} to epoch ms, without the general ISO parser's cost. */
    static long timestamp(String s) {
        if (s.length() != 24 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T'
                || s.charAt(13) != ':' || s.charAt(16) != ':' || s.charAt(19) != '.' || s.charAt(23) != 'Z') {
            throw new MalformedLineException("ts is not YYYY-MM-DDTHH:MM:SS.mmmZ");
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        int milli = digits(s, 20, 3);
        if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
            throw new MalformedLineException("ts is not a valid time");
        }
        long days;
        try {
            days = java.time.LocalDate.of(year, month, day).toEpochDay();
        } catch (java.time.DateTimeException e) {
            throw new MalformedLineException("ts is not a valid time");
        }
        long ms = ((days * 24 + hour) * 60 + minute) * 60_000L + Math.min(second, 59) * 1000L + milli;
        if (ms < 0) {
            throw new MalformedLineException("ts is before 1970");
        }
        return ms;
    }

    private static int digits(String s, int at, int n) {
        int v = 0;
        for (int i = at; i < at + n; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                throw new MalformedLineException("ts is not YYYY-MM-DDTHH:MM:SS.mmmZ");
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
