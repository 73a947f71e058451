package org.dvic.streams.sink;

import java.time.Duration;

/**
 * How every sink writes.
 *
 * @param maxInFlight     Cassandra statements in flight per sink at most (an event's weight is its statement count)
 * @param maxPollRecords  records per batch; a batch's offsets are committed once all its writes succeeded
 * @param retryBackoffMax the longest pause between retries while Cassandra is unreachable
 */
public record SinkSettings(int maxInFlight, int maxPollRecords, Duration retryBackoffMax) {
    public static final SinkSettings DEFAULTS = new SinkSettings(256, 1000, Duration.ofSeconds(2));

    public SinkSettings {
        if (maxInFlight < 1 || maxPollRecords < 1) {
            throw new IllegalArgumentException("sink max-in-flight and max-poll-records must be positive");
        }
        if (retryBackoffMax.isNegative() || retryBackoffMax.isZero()) {
            throw new IllegalArgumentException("sink retry-backoff-max must be positive");
        }
    }
}
