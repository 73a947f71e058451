package org.dvic.protocol.event;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.dvic.protocol.Check;
import org.dvic.protocol.InvalidFieldException;

import java.time.Duration;
import java.util.UUID;

/** The final aggregate of one metric of one node over one tumbling window [windowStart, windowEnd). */
public record MetricRollup(UUID nodeId, String metric, Resolution resolution, long windowStart, long windowEnd,
                           double min, double max, double sum, long count, double last) implements Event {
    public static final String TYPE = "metric-rollup";

    public MetricRollup {
        Check.required(nodeId, "nodeId");
        Check.required(metric, "metric");
        MetricSample.checkName(metric, "metric");
        Check.required(resolution, "resolution");
        Check.nonNegative(windowStart, "windowStart");
        if (windowEnd - windowStart != resolution.window().toMillis()) {
            throw new InvalidFieldException("windowEnd", "must be windowStart + " + resolution.window());
        }
        Check.positive(count, "count");
        Check.finite(min, "min");
        Check.finite(max, "max");
        Check.finite(sum, "sum");
        Check.finite(last, "last");
    }

    public enum Resolution {
        @JsonProperty("1m") MINUTE(Duration.ofMinutes(1)),
        @JsonProperty("1h") HOUR(Duration.ofHours(1));

        private final Duration window;

        Resolution(Duration window) {
            this.window = window;
        }

        public Duration window() {
            return window;
        }
    }
}
