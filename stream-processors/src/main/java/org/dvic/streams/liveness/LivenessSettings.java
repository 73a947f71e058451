package org.dvic.streams.liveness;

import java.time.Duration;
import java.util.Objects;

/**
 * How liveness decides that a node is gone.
 *
 * @param heartbeatMultiplier a node's timeout is this many of the heartbeat intervals it announced
 * @param defaultTimeout      the timeout of a node that has not announced an interval (and has no override)
 * @param checkInterval       how often (wall clock) silent nodes are looked for; detection lags by at most this
 * @param exitedRetention     how long an EXITED process stays in the state store and on the compacted topic
 */
public record LivenessSettings(int heartbeatMultiplier, Duration defaultTimeout, Duration checkInterval,
                               Duration exitedRetention) {
    public static final LivenessSettings DEFAULTS = new LivenessSettings(3, Duration.ofSeconds(30),
            Duration.ofMillis(500), Duration.ofDays(7));

    public LivenessSettings {
        if (heartbeatMultiplier < 1) {
            throw new IllegalArgumentException("heartbeat multiplier must be at least 1");
        }
        positive(defaultTimeout, "default timeout");
        positive(checkInterval, "check interval");
        positive(exitedRetention, "exited retention");
    }

    private static void positive(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive");
        }
    }
}
