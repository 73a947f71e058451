package org.dvic.protocol.event;

import org.dvic.protocol.Check;
import org.dvic.protocol.InvalidFieldException;
import org.dvic.protocol.Limits;

import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Readings taken at one instant: metric name to value. Names are dotted lower-case paths
 * ({@code cpu.total_pct}, {@code disk./home.used_pct}); see docs/topics.md for the agent's set.
 */
public record MetricSample(UUID nodeId, long seq, long ts, Map<String, Double> values) implements NodeEvent {
    public static final String TYPE = "metric";
    private static final Pattern METRIC_NAME = Pattern.compile("[a-z][a-z0-9_]*(\\.[A-Za-z0-9_/\\-:]+)*");

    public MetricSample {
        Check.required(nodeId, "nodeId");
        Check.nonNegative(seq, "seq");
        Check.nonNegative(ts, "ts");
        Check.required(values, "values");
        if (values.isEmpty()) {
            throw new InvalidFieldException("values", "must hold at least one reading");
        }
        if (values.size() > Limits.MAP_ENTRIES) {
            throw new InvalidFieldException("values", "more than " + Limits.MAP_ENTRIES + " readings");
        }
        values.forEach((name, value) -> {
            checkName(name, "values");
            Check.required(value, "values." + name);
            Check.finite(value, "values." + name);
        });
        values = Map.copyOf(values);
    }

    static void checkName(String name, String field) {
        if (name.length() > Limits.NAME || !METRIC_NAME.matcher(name).matches()) {
            throw new InvalidFieldException(field, "invalid metric name '" + abbreviate(name) + "'");
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "…";
    }
}
