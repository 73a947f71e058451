package org.dvic.protocol.event;

import org.dvic.protocol.Check;
import org.dvic.protocol.InvalidFieldException;
import org.dvic.protocol.Limits;
import org.dvic.protocol.Nullable;

import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * One log line. {@code source} says where it came from: {@code demo:<token>} (a demo process's
 * log file, token from its header), {@code journal}, {@code syslog} or {@code agent}.
 * {@code fields} are the line's structured fields, stringified.
 */
public record LogRecord(UUID nodeId, long seq, long ts, String source, LogLevel level, String message,
                        @Nullable Map<String, String> fields, @Nullable String exception,
                        @Nullable String container) implements NodeEvent {
    public static final String TYPE = "log";
    /** A demo token is 128 random bits in URL-safe base64 (client-libs/spec/FORMAT.md). */
    public static final Pattern SOURCE = Pattern.compile("demo:[A-Za-z0-9_-]{1,64}|journal|syslog|agent");

    public LogRecord {
        Check.required(nodeId, "nodeId");
        Check.nonNegative(seq, "seq");
        Check.nonNegative(ts, "ts");
        Check.required(source, "source");
        if (!isValidSource(source)) {
            throw new InvalidFieldException("source", "must be demo:<token>, journal, syslog or agent");
        }
        Check.required(level, "level");
        Check.text(message, "message", Limits.MESSAGE);
        if (fields != null) {
            if (fields.size() > Limits.MAP_ENTRIES) {
                throw new InvalidFieldException("fields", "more than " + Limits.MAP_ENTRIES + " entries");
            }
            fields.forEach((k, v) -> {
                Check.nonBlank(k, "fields", Limits.NAME);
                Check.text(v, "fields." + k, Limits.TEXT);
            });
            fields = Map.copyOf(fields);
        }
        Check.optionalText(exception, "exception", Limits.MESSAGE);
        Check.optionalText(container, "container", Limits.NAME);
    }

    /**
     * Whether {@code source} matches {@link #SOURCE}, checked without a regex: every record an
     * agent ships runs this, and the matcher was a tenth of the agent's per-line CPU.
     */
    public static boolean isValidSource(String source) {
        if (!source.startsWith("demo:")) {
            return source.equals("journal") || source.equals("syslog") || source.equals("agent");
        }
        int n = source.length() - 5;
        if (n < 1 || n > 64) {
            return false;
        }
        for (int i = 5; i < source.length(); i++) {
            char c = source.charAt(i);
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /** The demo token of a {@code demo:<token>} source, or null for other sources. */
    public String demoToken() {
        return source.startsWith("demo:") ? source.substring(5) : null;
    }
}
