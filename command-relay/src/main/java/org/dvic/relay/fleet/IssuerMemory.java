package org.dvic.relay.fleet;

import jakarta.inject.Singleton;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Who issued which command (from {@code dvic.commands}, whichever relay instance issued it), so the
 * events of a command reach the live sockets of its issuer. Bounded: the oldest entries go first.
 */
@Singleton
public final class IssuerMemory {
    private static final int MAX = 200_000;
    private final Map<UUID, String> issuers = new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<UUID, String> eldest) {
            return size() > MAX;
        }
    };

    public synchronized void remember(UUID commandId, String issuedBy) {
        issuers.putIfAbsent(commandId, issuedBy);
    }

    public synchronized String issuer(UUID commandId) {
        return issuers.get(commandId);
    }
}
