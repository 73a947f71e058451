package org.dvic.gateway.command;

import io.micronaut.context.annotation.Context;
import jakarta.annotation.PreDestroy;
import org.dvic.gateway.config.GatewaySettings;
import org.dvic.gateway.config.KafkaSettings;
import org.dvic.gateway.config.TopicSettings;
import org.dvic.gateway.kafka.TopicMirror;
import org.dvic.protocol.event.SessionClosed;
import org.dvic.protocol.event.SessionEvent;
import org.dvic.protocol.event.SessionOpened;
import org.dvic.protocol.json.EventCodec;
import org.dvic.protocol.topic.Topics;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which nodes have an open socket at any gateway instance, from {@code dvic.sessions}: the latest
 * open session per node until the close of that same session arrives. Used to decide that a
 * command is undeliverable (nobody holds its node's socket).
 */
@Context
public final class FleetSessions implements AutoCloseable {
    private final Map<UUID, UUID> openSession = new ConcurrentHashMap<>();
    private final EventCodec codec;
    private final TopicMirror mirror;

    public FleetSessions(KafkaSettings kafka, TopicSettings topics, GatewaySettings gateway, EventCodec codec) {
        this.codec = codec;
        this.mirror = new TopicMirror(kafka.getBootstrapServers(), topics.name(Topics.SESSIONS),
                "dvic-gateway-sessions-" + gateway.getId(), true, r -> apply(r.value())).start();
    }

    public boolean connectedAnywhere(UUID nodeId) {
        return openSession.containsKey(nodeId);
    }

    public boolean loaded() {
        return mirror.caughtUp();
    }

    private void apply(byte[] value) {
        if (value == null) {
            return;
        }
        SessionEvent event = codec.decode(value, SessionEvent.class);
        if (event instanceof SessionOpened o) {
            openSession.put(o.nodeId(), o.sessionId());
        } else if (event instanceof SessionClosed c) {
            openSession.remove(c.nodeId(), c.sessionId());
        }
    }

    @PreDestroy
    @Override
    public void close() {
        mirror.close();
    }
}
