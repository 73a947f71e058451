package org.dvic.gateway.agent;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Nonces of accepted connect tokens, remembered for twice the allowed clock skew: a token older than
 * that is refused for its time anyway, so older nonces can be forgotten and memory stays bounded.
 */
final class NonceMemory {
    private final Map<String, Long> seen = new ConcurrentHashMap<>();
    private final long keepMs;
    private volatile long nextPurge;

    NonceMemory(Duration maxSkew) {
        this.keepMs = 2 * maxSkew.toMillis() + 1000;
    }

    /** Records the nonce; false if it was already used within the window. */
    boolean firstUse(String nodeAndNonce, long nowMs) {
        if (nowMs >= nextPurge) {
            nextPurge = nowMs + 1000;
            seen.values().removeIf(expiry -> expiry < nowMs);
        }
        return seen.putIfAbsent(nodeAndNonce, nowMs + keepMs) == null;
    }

    int size() {
        return seen.size();
    }
}
