package org.dvic.relay.live;

import org.dvic.protocol.event.LogLevel;

import java.util.Set;
import java.util.UUID;

/**
 * One subscription of a socket: topic, node (for node topics) and, for logs, the filter; with the
 * JSON prefix of its event messages, computed once.
 */
record Subscription(LiveClient client, String id, String topic, UUID nodeId, Set<String> sources, LogLevel minLevel,
                    String prefix) {
    static Subscription of(LiveClient client, String id, String topic, UUID nodeId, Set<String> sources,
                           LogLevel minLevel) {
        return new Subscription(client, id, topic, nodeId, sources, minLevel,
                "{\"kind\":\"event\",\"id\":" + LiveMessages.quote(id) + ",\"event\":");
    }
}
