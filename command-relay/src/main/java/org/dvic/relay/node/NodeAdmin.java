package org.dvic.relay.node;

import jakarta.inject.Singleton;
import org.dvic.protocol.event.RegistryEntry;
import org.dvic.protocol.identity.BoardTokens;
import org.dvic.protocol.identity.NodeKeys;
import org.dvic.protocol.topic.Topics;
import org.dvic.relay.api.ApiException;
import org.dvic.relay.fleet.FleetState;
import org.dvic.relay.fleet.NodeView;
import org.dvic.relay.kafka.RelayProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.Map;
import java.util.UUID;

/**
 * Node administration: every change is a new {@code registry-entry} on the compacted
 * {@code dvic.registry} (acks=all), applied to this instance's fleet view at once. Secrets (the
 * agent's private key, the board's token) are returned to the caller once and kept nowhere.
 */
@Singleton
public final class NodeAdmin {
    private static final Logger LOG = LoggerFactory.getLogger(NodeAdmin.class);

    private final RelayProducer producer;
    private final FleetState fleet;
    private final SecureRandom random = new SecureRandom();

    public NodeAdmin(RelayProducer producer, FleetState fleet) {
        this.producer = producer;
        this.fleet = fleet;
    }

    public record Registered(RegistryEntry entry, String secret) {
        @Override
        public String toString() {
            return "Registered[" + entry.nodeId() + "]";
        }
    }

    public Registered registerAgent(String name, Map<String, String> labels, Long timeoutMs, String by) {
        KeyPair keys = NodeKeys.generate();
        long now = System.currentTimeMillis();
        RegistryEntry entry = new RegistryEntry(UUID.randomUUID(), RegistryEntry.NodeKind.AGENT, name,
                NodeKeys.encodePublic(keys.getPublic()), null, labels, false, timeoutMs, now, by);
        publish(entry);
        LOG.info("agent node {} '{}' registered by '{}'", entry.nodeId(), name, by);
        return new Registered(entry, NodeKeys.encodePrivate(keys.getPrivate()));
    }

    public Registered registerBoard(String name, Map<String, String> labels, Long timeoutMs, String by) {
        String token = BoardTokens.generate(random);
        long now = System.currentTimeMillis();
        RegistryEntry entry = new RegistryEntry(UUID.randomUUID(), RegistryEntry.NodeKind.BOARD, name, null,
                BoardTokens.sha256Hex(token), labels, false, timeoutMs, now, by);
        publish(entry);
        LOG.info("board {} '{}' registered by '{}'", entry.nodeId(), name, by);
        return new Registered(entry, token);
    }

    /** Rename, relabel, change the timeout; null leaves a field as it is ({@code clearTimeout} sets it to none). */
    public RegistryEntry change(UUID nodeId, String name, Map<String, String> labels, Long timeoutMs,
                                boolean clearTimeout, String by) {
        RegistryEntry current = current(nodeId);
        if (current.revoked()) {
            throw ApiException.conflict("node_revoked", "a revoked node cannot be changed");
        }
        long now = Math.max(System.currentTimeMillis(), current.updatedAt() + 1);
        RegistryEntry entry = new RegistryEntry(nodeId, current.kind(), name == null ? current.name() : name,
                current.publicKey(), current.tokenSha256(), labels == null ? current.labels() : labels, false,
                clearTimeout ? null : timeoutMs == null ? current.heartbeatTimeoutMs() : timeoutMs, now, by);
        publish(entry);
        LOG.info("node {} changed by '{}'", nodeId, by);
        return entry;
    }

    public RegistryEntry revoke(UUID nodeId, String by) {
        RegistryEntry current = current(nodeId);
        if (current.revoked()) {
            return current;
        }
        long now = Math.max(System.currentTimeMillis(), current.updatedAt() + 1);
        RegistryEntry entry = new RegistryEntry(nodeId, current.kind(), current.name(), current.publicKey(),
                current.tokenSha256(), current.labels(), true, current.heartbeatTimeoutMs(), now, by);
        publish(entry);
        LOG.info("node {} revoked by '{}'", nodeId, by);
        return entry;
    }

    private RegistryEntry current(UUID nodeId) {
        return fleet.find(nodeId).map(NodeView::registry).orElseThrow(() -> ApiException.notFound("node"));
    }

    private void publish(RegistryEntry entry) {
        producer.sendAndWait(Topics.REGISTRY, entry.nodeId(), entry, entry.updatedAt());
        fleet.apply(entry);
    }
}
