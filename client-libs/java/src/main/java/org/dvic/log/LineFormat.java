package org.dvic.log;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/**
 * Byte-exact encoding of header and record lines (client-libs/spec/FORMAT.md §4-§7).
 * Hand-written because the format fixes the escapes ({@code \u000a}, not {@code \n}), the
 * float form and the truncation rules, and all four libraries must produce the same bytes.
 */
final class LineFormat {
    static final int MAX_LINE_BYTES = 16384;
    static final int MAX_EXC_TYPE_BYTES = 256;
    static final int MAX_EXC_MESSAGE_BYTES = 1024;
    static final int MAX_EXC_STACK_BYTES = 8192;
    static final int MAX_FIELD_VALUE_BYTES = 1024;
    static final int MAX_FIELDS_BYTES = 4096;

    private static final String TRUNCATED = ",\"truncated\":true";
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private LineFormat() {
    }

    /** One record line, newline included. */
    static byte[] record(long tsMillis, Level level, String msg, Map<String, ?> fields, ExceptionInfo exc) {
        StringBuilder tail = new StringBuilder("\"");
        boolean truncated = false;
        if (fields != null && !fields.isEmpty()) {
            truncated = appendFields(tail, fields);
        }
        if (exc != null) {
            truncated |= appendExc(tail, exc);
        }
        StringBuilder head = new StringBuilder(64).append("{\"ts\":\"");
        appendTs(head, tsMillis);
        head.append("\",\"level\":\"").append(level.name()).append("\",\"msg\":\"");
        String end = (truncated ? TRUNCATED : "") + "}\n";
        StringBuilder line = new StringBuilder(head.length() + msg.length() + tail.length() + 24).append(head);
        int msgBytes = appendEscaped(line, msg, Integer.MAX_VALUE);
        int fixedBytes = utf8Length(head) + utf8Length(tail) + end.length() - 1;
        if (fixedBytes + msgBytes > MAX_LINE_BYTES) {
            line.setLength(head.length());
            appendEscaped(line, msg, MAX_LINE_BYTES - (utf8Length(head) + utf8Length(tail) + TRUNCATED.length() + 1));
            end = TRUNCATED + "}\n";
        }
        return line.append(tail).append(end).toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The header line (FORMAT.md §2); values are String, Number, List of String or null, in order. */
    static byte[] header(Map<String, Object> info) {
        StringBuilder out = new StringBuilder(512).append('{');
        for (Map.Entry<String, Object> entry : info.entrySet()) {
            if (out.length() > 1) {
                out.append(',');
            }
            quoted(out, entry.getKey()).append(':');
            if (entry.getValue() instanceof List<?> list) {
                out.append('[');
                for (int i = 0; i < list.size(); i++) {
                    quoted(i == 0 ? out : out.append(','), String.valueOf(list.get(i)));
                }
                out.append(']');
            } else {
                appendValue(out, entry.getValue(), Integer.MAX_VALUE);
            }
        }
        return out.append("}\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    static String formatTs(long tsMillis) {
        StringBuilder out = new StringBuilder(24);
        appendTs(out, tsMillis);
        return out.toString();
    }

    private static void appendTs(StringBuilder out, long tsMillis) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(tsMillis, 1000), 0, ZoneOffset.UTC);
        pad(out, t.getYear(), 4).append('-');
        pad(out, t.getMonthValue(), 2).append('-');
        pad(out, t.getDayOfMonth(), 2).append('T');
        pad(out, t.getHour(), 2).append(':');
        pad(out, t.getMinute(), 2).append(':');
        pad(out, t.getSecond(), 2).append('.');
        pad(out, (int) Math.floorMod(tsMillis, 1000), 3).append('Z');
    }

    private static StringBuilder pad(StringBuilder out, int value, int width) {
        String digits = Integer.toString(value);
        for (int i = digits.length(); i < width; i++) {
            out.append('0');
        }
        return out.append(digits);
    }

    /** Appends `,"fields":{...}` unless nothing fits; true if anything was cut or left out. */
    private static boolean appendFields(StringBuilder out, Map<String, ?> fields) {
        boolean truncated = false;
        StringBuilder object = new StringBuilder("{");
        int objectBytes = 1;
        StringBuilder member = new StringBuilder();
        for (Map.Entry<String, ?> entry : fields.entrySet()) {
            member.setLength(0);
            quoted(member, String.valueOf(entry.getKey())).append(':');
            truncated |= appendValue(member, entry.getValue(), MAX_FIELD_VALUE_BYTES);
            int extra = utf8Length(member) + (object.length() > 1 ? 1 : 0);
            if (objectBytes + extra + 1 > MAX_FIELDS_BYTES) {
                truncated = true;
                break;
            }
            if (object.length() > 1) {
                object.append(',');
            }
            object.append(member);
            objectBytes += extra;
        }
        if (object.length() > 1) {
            out.append(",\"fields\":").append(object).append('}');
        }
        return truncated;
    }

    private static boolean appendExc(StringBuilder out, ExceptionInfo exc) {
        boolean truncated = false;
        out.append(",\"exc\":{\"type\":\"");
        truncated |= appendEscaped(out, exc.type(), MAX_EXC_TYPE_BYTES) < 0;
        out.append("\",\"message\":\"");
        truncated |= appendEscaped(out, exc.message(), MAX_EXC_MESSAGE_BYTES) < 0;
        out.append("\",\"stack\":\"");
        truncated |= appendEscaped(out, exc.stack(), MAX_EXC_STACK_BYTES) < 0;
        out.append("\"}");
        return truncated;
    }

    /** Appends a field value; true if its string content was cut. */
    private static boolean appendValue(StringBuilder out, Object value, int limit) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof Boolean || value instanceof Integer || value instanceof Long
                || value instanceof Short || value instanceof Byte || value instanceof BigInteger) {
            out.append(value);
        } else if (value instanceof Double || value instanceof Float) {
            out.append(formatDouble(((Number) value).doubleValue()));
        } else {
            out.append('"');
            boolean cut = appendEscaped(out, value.toString(), limit) < 0;
            out.append('"');
            return cut;
        }
        return false;
    }

    private static StringBuilder quoted(StringBuilder out, String text) {
        out.append('"');
        appendEscaped(out, text, Integer.MAX_VALUE);
        return out.append('"');
    }

    /**
     * Appends the encoded content of a JSON string, at most {@code limit} UTF-8 bytes, cut at a
     * code point. Returns the bytes appended, or -1 if the text was cut.
     */
    private static int appendEscaped(StringBuilder out, String text, int limit) {
        int size = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int units = Character.charCount(cp);
            if (Character.isSurrogate((char) cp) && units == 1) {
                cp = 0xFFFD; // a lone surrogate
            }
            int bytes = charSize(cp);
            if (size + bytes > limit) {
                return -1;
            }
            size += bytes;
            if (cp == '"' || cp == '\\') {
                out.append('\\').append((char) cp);
            } else if (cp < 0x20) {
                out.append("\\u00").append(HEX[cp >> 4]).append(HEX[cp & 15]);
            } else {
                out.appendCodePoint(cp);
            }
            i += units;
        }
        return size;
    }

    private static int charSize(int cp) {
        if (cp == '"' || cp == '\\') {
            return 2;
        }
        if (cp < 0x20) {
            return 6;
        }
        if (cp < 0x80) {
            return 1;
        }
        if (cp < 0x800) {
            return 2;
        }
        return cp < 0x10000 ? 3 : 4;
    }

    /** Byte length of already-escaped text (no lone surrogates left). */
    private static int utf8Length(CharSequence text) {
        int size = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                size += 1;
            } else if (c < 0x800) {
                size += 2;
            } else if (Character.isHighSurrogate(c)) {
                size += 4;
                i++;
            } else {
                size += 3;
            }
        }
        return size;
    }

    /**
     * The decimal with the fewest digits that reads back as {@code abs}, the closer one if two
     * qualify (ECMAScript's rule). Java 17's Double.toString is not always the shortest; and
     * rounding to nearest alone misses the rounded-away candidate that works next to a power of two.
     */
    private static BigDecimal shortestDecimal(double abs) {
        BigDecimal exact = new BigDecimal(abs);
        for (int precision = 1; precision < 17; precision++) {
            BigDecimal down = exact.round(new MathContext(precision, RoundingMode.FLOOR));
            BigDecimal up = exact.round(new MathContext(precision, RoundingMode.CEILING));
            boolean downWorks = down.doubleValue() == abs;
            boolean upWorks = up.doubleValue() == abs;
            if (downWorks && upWorks) {
                return exact.round(new MathContext(precision, RoundingMode.HALF_EVEN));
            }
            if (downWorks || upWorks) {
                return downWorks ? down : up;
            }
        }
        return exact.round(new MathContext(17, RoundingMode.HALF_EVEN)); // 17 digits always read back
    }

    /** ECMAScript Number::toString of the shortest round-trip decimal (FORMAT.md §5). */
    static String formatDouble(double d) {
        if (Double.isNaN(d)) {
            return "\"NaN\"";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "\"Infinity\"" : "\"-Infinity\"";
        }
        if (d == 0) {
            return "0";
        }
        double abs = Math.abs(d);
        BigDecimal shortest = shortestDecimal(abs).stripTrailingZeros();
        String digits = shortest.unscaledValue().toString();
        int k = digits.length();
        int n = k - shortest.scale(); // value = 0.digits * 10^n
        StringBuilder out = new StringBuilder(d < 0 ? "-" : "");
        if (k <= n && n <= 21) {
            out.append(digits).append("0".repeat(n - k));
        } else if (0 < n && n <= 21) {
            out.append(digits, 0, n).append('.').append(digits, n, k);
        } else if (-6 < n && n <= 0) {
            out.append("0.").append("0".repeat(-n)).append(digits);
        } else {
            int e = n - 1;
            out.append(digits.charAt(0));
            if (k > 1) {
                out.append('.').append(digits, 1, k);
            }
            out.append(e >= 0 ? "e+" : "e-").append(Math.abs(e));
        }
        return out.toString();
    }
}
