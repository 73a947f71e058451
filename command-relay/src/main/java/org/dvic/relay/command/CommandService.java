package org.dvic.relay.command;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.http.HttpStatus;
import jakarta.inject.Singleton;
import org.dvic.protocol.event.Command;
import org.dvic.protocol.event.RegistryEntry;
import org.dvic.protocol.topic.Topics;
import org.dvic.relay.api.ApiException;
import org.dvic.relay.api.Json;
import org.dvic.relay.auth.Principal;
import org.dvic.relay.fleet.FleetState;
import org.dvic.relay.fleet.IssuerMemory;
import org.dvic.relay.fleet.NodeView;
import org.dvic.relay.kafka.RelayProducer;
import org.dvic.store.CommandAuditRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Issues one command to one node: checks the node (known, not revoked, an agent, online or queued,
 * allows remote exec), records it in the audit, then writes it to {@code dvic.commands} and returns
 * once Kafka acknowledged it. Audit first, so every outcome finds its row.
 */
@Singleton
public final class CommandService {
    private static final Logger LOG = LoggerFactory.getLogger(CommandService.class);

    private final FleetState fleet;
    private final RelayProducer producer;
    private final CommandAuditRepository audit;
    private final CommandQueue queue;
    private final IssuerMemory issuers;
    private final MeterRegistry meters;
    private final UpdateSigner signer;

    public CommandService(FleetState fleet, RelayProducer producer, CommandAuditRepository audit, CommandQueue queue,
                          IssuerMemory issuers, MeterRegistry meters, UpdateSigner signer) {
        this.signer = signer;
        this.fleet = fleet;
        this.producer = producer;
        this.audit = audit;
        this.queue = queue;
        this.issuers = issuers;
        this.meters = meters;
    }

    public ObjectNode issue(Principal who, UUID nodeId, CommandSpec spec, boolean queueIfOffline, long deadlineMs) {
        if (!who.role().atLeast(spec.minRole())) {
            throw ApiException.forbidden("a " + spec.type() + " command needs the role " + spec.minRole().wire());
        }
        NodeView node = fleet.find(nodeId).orElseThrow(() -> ApiException.notFound("node"));
        RegistryEntry reg = node.registry();
        if (reg == null) {
            throw ApiException.notFound("node");
        }
        if (reg.revoked()) {
            throw ApiException.conflict("node_revoked", "the node is revoked");
        }
        if (reg.kind() != RegistryEntry.NodeKind.AGENT) {
            throw ApiException.conflict("not_an_agent", "boards take no commands");
        }
        if (spec instanceof CommandSpec.Exec && node.inventory() != null && !node.inventory().remoteExecAllowed()) {
            throw ApiException.conflict("exec_refused", "the node does not allow remote execution (agent setting)");
        }
        if (spec instanceof CommandSpec.Update u) {
            spec = u.signed(signer.sign(u.version(), u.sha256()));
        }
        boolean online = node.online();
        if (!online && !queueIfOffline) {
            throw ApiException.conflict("node_offline", "the node is offline; send with \"queue\": true and a"
                    + " \"deadlineMs\" to deliver it when the node is back");
        }
        long now = System.currentTimeMillis();
        Command command = spec.toCommand(UUID.randomUUID(), nodeId, who.username(), now, now + deadlineMs);
        try {
            audit.recordIssued(command).toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", "interrupted");
        } catch (ExecutionException | TimeoutException e) {
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "unavailable",
                    "the audit could not record the command; nothing was sent");
        }
        issuers.remember(command.commandId(), who.username());
        String status;
        if (online) {
            producer.sendAndWait(Topics.COMMANDS, nodeId, command, now);
            status = "ISSUED";
        } else {
            try {
                queue.hold(command);
            } catch (IllegalStateException e) {
                LOG.warn("command {} to node {} not queued: {}", command.commandId(), nodeId, e.getMessage());
                throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "unavailable",
                        "the command could not be queued; nothing will be sent");
            }
            status = "QUEUED";
        }
        meters.counter("dvic.relay.commands", "type", spec.type(), "status", status).increment();
        LOG.info("command {} ({}) to node {} by '{}': {}", command.commandId(), spec.type(), nodeId, who.username(),
                status);
        ObjectNode o = Json.object();
        o.put("commandId", command.commandId().toString());
        o.put("nodeId", nodeId.toString());
        o.put("type", spec.type());
        o.put("issuedAt", now);
        o.put("expiresAt", command.expiresAt());
        o.put("status", status);
        return o;
    }
}
