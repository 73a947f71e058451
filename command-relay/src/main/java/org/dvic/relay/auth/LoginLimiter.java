package org.dvic.relay.auth;

import jakarta.inject.Singleton;
import org.dvic.relay.config.AuthSettings;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Failed-login throttle per client address and per username (sliding window, in this instance's
 * memory): after {@code login-attempts} failures within {@code login-window} further attempts are
 * refused with 429 until the window slides. Counting per username too stops a spread-out guesser.
 */
@Singleton
public final class LoginLimiter {
    private static final int MAX_KEYS = 100_000;
    private final int attempts;
    private final long windowMs;
    private final Map<String, Deque<Long>> failures = new ConcurrentHashMap<>();

    public LoginLimiter(AuthSettings settings) {
        this.attempts = settings.getLoginAttempts();
        this.windowMs = settings.getLoginWindow().toMillis();
    }

    /** True when either key has used up its attempts. */
    public boolean blocked(String address, String username, long now) {
        return count("a:" + address, now) >= attempts || count("u:" + username, now) >= attempts;
    }

    public void failed(String address, String username, long now) {
        if (failures.size() > MAX_KEYS) {
            failures.entrySet().removeIf(e -> {
                synchronized (e.getValue()) {
                    return e.getValue().isEmpty() || e.getValue().peekLast() < now - windowMs;
                }
            });
        }
        record("a:" + address, now);
        record("u:" + username, now);
    }

    public void succeeded(String username) {
        failures.remove("u:" + username);
    }

    private void record(String key, long now) {
        Deque<Long> q = failures.computeIfAbsent(key, k -> new ArrayDeque<>());
        synchronized (q) {
            q.addLast(now);
            while (q.size() > attempts * 2) {
                q.removeFirst();
            }
        }
    }

    private int count(String key, long now) {
        Deque<Long> q = failures.get(key);
        if (q == null) {
            return 0;
        }
        synchronized (q) {
            while (!q.isEmpty() && q.peekFirst() < now - windowMs) {
                q.removeFirst();
            }
            return q.size();
        }
    }
}
