package org.dvic.agent.connection;

import java.util.random.RandomGenerator;

/**
 * Exponential back-off with jitter between reconnect attempts: attempt n waits a random time in
 * [d/2, d] where d = min(max, initial * 2^n). The random half spreads a fleet that lost its
 * gateway at the same moment, so it does not come back all at once.
 */
public final class Backoff {
    private final long initialMs;
    private final long maxMs;
    private final RandomGenerator random;
    private int attempt;

    public Backoff(long initialMs, long maxMs, RandomGenerator random) {
        if (initialMs <= 0 || maxMs < initialMs) {
            throw new IllegalArgumentException("need 0 < initial <= max");
        }
        this.initialMs = initialMs;
        this.maxMs = maxMs;
        this.random = random;
    }

    /** The wait before the next attempt; each call doubles the ceiling up to the maximum. */
    public long nextDelayMs() {
        long ceiling = attempt >= 62 ? maxMs : Math.min(maxMs, initialMs << Math.min(attempt, 40));
        if (ceiling <= 0) {
            ceiling = maxMs;
        }
        attempt++;
        long half = ceiling / 2;
        return half + (long) (random.nextDouble() * (ceiling - half + 1));
    }

    /** A connection worked: the next failure starts from the initial delay again. */
    public void reset() {
        attempt = 0;
    }

    public int attempts() {
        return attempt;
    }
}
