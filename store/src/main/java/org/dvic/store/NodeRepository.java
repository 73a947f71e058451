package org.dvic.store;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import org.dvic.protocol.Nullable;
import org.dvic.protocol.event.Inventory;
import org.dvic.protocol.event.RegistryEntry;
import org.dvic.protocol.json.ProtocolJson;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/**
 * Table {@code nodes}: a node's identity (from the registry) and its latest inventory, written
 * independently into one row. Cell timestamps come from the events, so the newest fact wins.
 */
public final class NodeRepository {
    private static final TypeReference<List<Inventory.Disk>> DISKS = new TypeReference<>() { };
    private static final TypeReference<List<Inventory.NetworkInterface>> INTERFACES = new TypeReference<>() { };

    private final CqlSession session;
    private final ProtocolJson json = new ProtocolJson();
    private final PreparedStatement saveRegistry;
    private final PreparedStatement saveInventory;
    private final PreparedStatement find;
    private final PreparedStatement all;

    public NodeRepository(CqlSession session, String keyspace) {
        this.session = session;
        this.saveRegistry = session.prepare("INSERT INTO " + keyspace + ".nodes (node_id, kind, name, labels, revoked,"
                + " heartbeat_timeout_ms, registry_updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
        this.saveInventory = session.prepare("INSERT INTO " + keyspace + ".nodes (node_id, hostname, os, kernel,"
                + " cpu_model, cores, memory_bytes, disks, interfaces, agent_version, remote_exec_allowed,"
                + " terminal_allowed, inventory_ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        this.find = session.prepare("SELECT * FROM " + keyspace + ".nodes WHERE node_id = ?");
        this.all = session.prepare("SELECT * FROM " + keyspace + ".nodes");
    }

    /** A node as stored: identity fields are null for a node only seen through inventory, and vice versa. */
    public record StoredNode(UUID nodeId, @Nullable RegistryEntry.NodeKind kind, @Nullable String name,
                             Map<String, String> labels, boolean revoked, @Nullable Long heartbeatTimeoutMs,
                             @Nullable Inventory inventory) {
    }

    public CompletionStage<Void> save(RegistryEntry entry) {
        return session.executeAsync(saveRegistry.bind(entry.nodeId(), entry.kind().name(), entry.name(),
                        entry.labels(), entry.revoked(), entry.heartbeatTimeoutMs(), Instant.ofEpochMilli(entry.updatedAt()))
                .setQueryTimestamp(Writes.writeTime(entry.updatedAt()))).thenApply(rs -> null);
    }

    public CompletionStage<Void> save(Inventory inv) {
        return session.executeAsync(saveInventory.bind(inv.nodeId(), inv.hostname(), inv.os(), inv.kernel(),
                        inv.cpuModel(), inv.cores(), inv.memoryBytes(), toJson(inv.disks()), toJson(inv.interfaces()),
                        inv.agentVersion(), inv.remoteExecAllowed(), inv.terminalAllowed(), Instant.ofEpochMilli(inv.ts()))
                .setQueryTimestamp(Writes.writeTime(inv.ts()))).thenApply(rs -> null);
    }

    public Optional<StoredNode> find(UUID nodeId) {
        Row row = session.execute(find.bind(nodeId)).one();
        return Optional.ofNullable(row).map(this::toNode);
    }

    /** Every node; a fleet is thousands of rows, so a full scan of this small table is fine. */
    public List<StoredNode> all() {
        List<StoredNode> nodes = new ArrayList<>();
        for (Row row : session.execute(all.bind())) {
            nodes.add(toNode(row));
        }
        return nodes;
    }

    private StoredNode toNode(Row row) {
        UUID nodeId = row.getUuid("node_id");
        Inventory inventory = row.isNull("inventory_ts") ? null : new Inventory(nodeId, 0,
                row.getInstant("inventory_ts").toEpochMilli(), row.getString("hostname"), row.getString("os"),
                row.getString("kernel"), row.getString("cpu_model"), row.getInt("cores"), row.getLong("memory_bytes"),
                fromJson(row.getString("disks"), DISKS), fromJson(row.getString("interfaces"), INTERFACES),
                row.getString("agent_version"), row.getBoolean("remote_exec_allowed"), row.getBoolean("terminal_allowed"));
        String kind = row.getString("kind");
        return new StoredNode(nodeId, kind == null ? null : RegistryEntry.NodeKind.valueOf(kind), row.getString("name"),
                row.getMap("labels", String.class, String.class), !row.isNull("revoked") && row.getBoolean("revoked"),
                row.isNull("heartbeat_timeout_ms") ? null : row.getLong("heartbeat_timeout_ms"), inventory);
    }

    private String toJson(Object value) {
        return new String(json.write(value), java.nio.charset.StandardCharsets.UTF_8);
    }

    private <T> T fromJson(String text, TypeReference<T> type) {
        try {
            return json.mapper().readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("nodes row holds unreadable JSON", e);
        }
    }
}
