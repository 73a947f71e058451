package org.dvic.relay.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import org.dvic.protocol.Limits;
import org.dvic.relay.api.ApiException;
import org.dvic.relay.api.Json;
import org.dvic.relay.api.Params;
import org.dvic.relay.api.RequestBody;
import org.dvic.relay.auth.Principal;
import org.dvic.relay.auth.Role;
import org.dvic.relay.config.RelaySettings;
import org.dvic.relay.fleet.FleetState;
import org.dvic.relay.fleet.FleetViews;
import org.dvic.relay.fleet.NodeView;
import org.dvic.relay.web.Guard;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Commands to one node and the bulk form (a list of nodes or a label selector, one result per node). */
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
public final class CommandController {
    private final CommandService commands;
    private final FleetState fleet;
    private final RelaySettings settings;

    public CommandController(CommandService commands, FleetState fleet, RelaySettings settings) {
        this.commands = commands;
        this.fleet = fleet;
        this.settings = settings;
    }

    private record Request(CommandSpec spec, boolean queue, long deadlineMs) {
    }

    private Request parse(RequestBody b) {
        CommandSpec spec = CommandSpec.parse(b, settings.getCommandDefaultExecTimeout().toMillis());
        boolean queue = Boolean.TRUE.equals(b.optionalBoolean("queue"));
        Long deadline = b.optionalLong("deadlineMs", 1000, settings.getCommandMaxDeadline().toMillis());
        if (queue && deadline == null) {
            throw ApiException.invalid("deadlineMs", "required when queue is true");
        }
        return new Request(spec, queue, deadline == null ? settings.getCommandDefaultDeadline().toMillis() : deadline);
    }

    @Post("/api/nodes/{nodeId}/commands")
    public HttpResponse<?> issue(HttpRequest<?> request, @PathVariable String nodeId, @Nullable @Body String body) {
        Principal p = Guard.require(request, Role.OPERATOR);
        UUID id = Params.uuid(nodeId, "nodeId");
        Request r = parse(RequestBody.parse(body, "command", "queue", "deadlineMs"));
        return Json.respond(HttpStatus.ACCEPTED, commands.issue(p, id, r.spec(), r.queue(), r.deadlineMs()));
    }

    @Post("/api/commands/bulk")
    public HttpResponse<?> bulk(HttpRequest<?> request, @Nullable @Body String body) {
        Principal p = Guard.require(request, Role.OPERATOR);
        RequestBody b = RequestBody.parse(body, "command", "queue", "deadlineMs", "nodeIds", "selector");
        Request r = parse(b);
        if (!p.role().atLeast(r.spec().minRole())) {
            throw ApiException.forbidden("a " + r.spec().type() + " command needs the role " + r.spec().minRole().wire());
        }
        Set<UUID> targets = new LinkedHashSet<>();
        boolean byList = b.has("nodeIds");
        boolean bySelector = b.has("selector");
        if (byList == bySelector) {
            throw ApiException.invalid(byList ? "selector" : "nodeIds", "give exactly one of nodeIds and selector");
        }
        if (byList) {
            JsonNode list = b.raw("nodeIds");
            if (!list.isArray() || list.isEmpty() || list.size() > settings.getBulkMaxNodes()) {
                throw ApiException.invalid("nodeIds", "an array of 1 to " + settings.getBulkMaxNodes() + " node ids");
            }
            for (int i = 0; i < list.size(); i++) {
                JsonNode n = list.get(i);
                if (!n.isTextual()) {
                    throw ApiException.invalid("nodeIds[" + i + "]", "must be a UUID");
                }
                targets.add(Params.uuid(n.textValue(), "nodeIds[" + i + "]"));
            }
        } else {
            Map<String, String> selector = b.optionalStringMap("selector", Limits.MAP_ENTRIES);
            for (NodeView n : fleet.all()) {
                if (n.registry() != null && !n.revoked() && FleetViews.matches(n, selector)) {
                    targets.add(n.nodeId());
                }
            }
            if (targets.size() > settings.getBulkMaxNodes()) {
                throw ApiException.invalid("selector", "matches more than " + settings.getBulkMaxNodes() + " nodes");
            }
        }
        if (targets.isEmpty()) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "no_targets", "no node matches", bySelector ? "selector" : "nodeIds");
        }
        List<UUID> ordered = new ArrayList<>(targets);
        ObjectNode o = Json.object();
        ArrayNode results = o.putArray("results");
        for (UUID node : ordered) {
            ObjectNode result = results.addObject();
            result.put("nodeId", node.toString());
            try {
                result.set("command", commands.issue(p, node, r.spec(), r.queue(), r.deadlineMs()));
                result.put("ok", true);
            } catch (ApiException e) {
                result.put("ok", false);
                result.set("error", Json.error(e.code(), e.getMessage(), e.field()));
            }
        }
        return Json.ok(o);
    }
}
