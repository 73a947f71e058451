package org.dvic.gateway.registry;

import io.micronaut.context.annotation.Context;
import jakarta.annotation.PreDestroy;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.dvic.gateway.config.GatewaySettings;
import org.dvic.gateway.config.KafkaSettings;
import org.dvic.gateway.config.TopicSettings;
import org.dvic.gateway.kafka.TopicMirror;
import org.dvic.protocol.event.RegistryEntry;
import org.dvic.protocol.identity.NodeKeys;
import org.dvic.protocol.json.EventCodec;
import org.dvic.protocol.topic.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Node identities, materialized in memory from the compacted {@code dvic.registry} topic and kept
 * current by a reader that polls every 100 ms, so a registration or a revocation takes effect
 * within a second without a restart. A tombstone (null value) removes the node.
 */
@Context
public final class NodeRegistry implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeRegistry.class);

    private final Map<UUID, KnownNode> nodes = new ConcurrentHashMap<>();
    private final List<Consumer<UUID>> revocationListeners = new CopyOnWriteArrayList<>();
    private final EventCodec codec;
    private final TopicMirror mirror;

    public NodeRegistry(KafkaSettings kafka, TopicSettings topics, GatewaySettings gateway, EventCodec codec) {
        this.codec = codec;
        this.mirror = new TopicMirror(kafka.getBootstrapServers(), topics.name(Topics.REGISTRY),
                "dvic-gateway-registry-" + gateway.getId(), true, this::apply).start();
    }

    public KnownNode find(UUID nodeId) {
        return nodes.get(nodeId);
    }

    /** True once the registry holds everything that was in the topic when the gateway started. */
    public boolean loaded() {
        return mirror.caughtUp();
    }

    public int size() {
        return nodes.size();
    }

    /** Called with the node id when a node is revoked or removed, so its open socket can be closed. */
    public void onRevoked(Consumer<UUID> listener) {
        revocationListeners.add(listener);
    }

    private void apply(ConsumerRecord<byte[], byte[]> record) {
        UUID key = record.key() == null ? null : UUID.fromString(new String(record.key(), StandardCharsets.UTF_8));
        if (record.value() == null) {
            if (key != null && nodes.remove(key) != null) {
                LOG.info("registry: node {} removed", key);
                revocationListeners.forEach(l -> l.accept(key));
            }
            return;
        }
        RegistryEntry entry = codec.decode(record.value(), RegistryEntry.class);
        var publicKey = entry.kind() == RegistryEntry.NodeKind.AGENT ? NodeKeys.decodePublic(entry.publicKey()) : null;
        KnownNode previous = nodes.put(entry.nodeId(), new KnownNode(entry, publicKey));
        if (entry.revoked()) {
            if (previous == null || !previous.revoked()) {
                LOG.info("registry: node {} ({}) revoked", entry.nodeId(), entry.name());
            }
            revocationListeners.forEach(l -> l.accept(entry.nodeId()));
        }
    }

    @PreDestroy
    @Override
    public void close() {
        mirror.close();
    }
}
