package org.dvic.relay.node;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Patch;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import org.dvic.protocol.Limits;
import org.dvic.protocol.json.EventCodec;
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

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The fleet (viewer) and node administration (admin). */
@Controller("/api/nodes")
@ExecuteOn(TaskExecutors.BLOCKING)
public final class NodeController {
    private final FleetState fleet;
    private final FleetViews views;
    private final NodeAdmin admin;
    private final EventCodec codec;
    private final RelaySettings settings;
    private final org.dvic.relay.command.UpdateSigner updates;

    public NodeController(FleetState fleet, FleetViews views, NodeAdmin admin, EventCodec codec, RelaySettings settings,
                          org.dvic.relay.command.UpdateSigner updates) {
        this.updates = updates;
        this.fleet = fleet;
        this.views = views;
        this.admin = admin;
        this.codec = codec;
        this.settings = settings;
    }

    @Get
    public HttpResponse<?> list(HttpRequest<?> request, @Nullable @QueryValue("label") List<String> label,
                                @Nullable @QueryValue("includeRevoked") String includeRevoked) {
        Guard.require(request, Role.VIEWER);
        Map<String, String> selector = selector(label);
        boolean revoked = "true".equals(includeRevoked);
        if (includeRevoked != null && !includeRevoked.equals("true") && !includeRevoked.equals("false")) {
            throw ApiException.invalid("includeRevoked", "true or false");
        }
        List<NodeView> nodes = fleet.all().stream().filter(n -> revoked || !n.revoked())
                .filter(n -> FleetViews.matches(n, selector)).toList();
        ObjectNode o = Json.object();
        o.set("nodes", views.summaries(nodes));
        return Json.ok(o);
    }

    static Map<String, String> selector(List<String> labels) {
        Map<String, String> selector = new LinkedHashMap<>();
        if (labels == null) {
            return selector;
        }
        for (String l : labels) {
            int eq = l.indexOf('=');
            if (eq <= 0) {
                throw ApiException.invalid("label", "expected key=value");
            }
            selector.put(l.substring(0, eq), l.substring(eq + 1));
        }
        return selector;
    }

    @Get("/{nodeId}")
    public HttpResponse<?> detail(HttpRequest<?> request, @PathVariable String nodeId) {
        Guard.require(request, Role.VIEWER);
        UUID id = Params.uuid(nodeId, "nodeId");
        NodeView n = fleet.find(id).orElseThrow(() -> ApiException.notFound("node"));
        return Json.ok(views.detail(n));
    }

    @Patch("/{nodeId}")
    public HttpResponse<?> change(HttpRequest<?> request, @PathVariable String nodeId, @Nullable @Body String body) {
        Principal p = Guard.require(request, Role.ADMIN);
        UUID id = Params.uuid(nodeId, "nodeId");
        RequestBody b = RequestBody.parse(body, "name", "labels", "heartbeatTimeoutMs");
        boolean clearTimeout = b.raw("heartbeatTimeoutMs") != null && b.raw("heartbeatTimeoutMs").isNull();
        var entry = admin.change(id, name(b, false), b.optionalStringMap("labels", Limits.MAP_ENTRIES),
                b.optionalLong("heartbeatTimeoutMs", 1000, 86_400_000L), clearTimeout, p.username());
        return Json.ok(Json.event(codec, entry));
    }

    @Post("/{nodeId}/revoke")
    public HttpResponse<?> revoke(HttpRequest<?> request, @PathVariable String nodeId) {
        Principal p = Guard.require(request, Role.ADMIN);
        UUID id = Params.uuid(nodeId, "nodeId");
        return Json.ok(Json.event(codec, admin.revoke(id, p.username())));
    }

    @Post("/agents")
    public HttpResponse<?> registerAgent(HttpRequest<?> request, @Nullable @Body String body) {
        Principal p = Guard.require(request, Role.ADMIN);
        RequestBody b = RequestBody.parse(body, "name", "labels", "heartbeatTimeoutMs");
        Map<String, String> labels = b.optionalStringMap("labels", Limits.MAP_ENTRIES);
        NodeAdmin.Registered r = admin.registerAgent(name(b, true), labels == null ? Map.of() : labels,
                b.optionalLong("heartbeatTimeoutMs", 1000, 86_400_000L), p.username());
        ObjectNode o = Json.object();
        o.set("node", Json.event(codec, r.entry()));
        ObjectNode config = o.putObject("agentConfig");
        config.put("nodeId", r.entry().nodeId().toString());
        config.put("privateKey", r.secret());
        config.put("gatewayUrl", settings.getAgentGatewayUrl());
        config.put("updatePublicKey", updates.publicKey());
        config.put("configFile", "# DVIC agent for node '" + r.entry().name().replaceAll("[\\r\\n]", " ") + "'\n"
                + "gateway.url=" + (settings.getAgentGatewayUrl() == null ? "ws://CHANGE-ME:8080" : settings.getAgentGatewayUrl())
                + "\nnode.id=" + r.entry().nodeId() + "\nnode.key-file=/etc/dvic/node.key\n"
                + (updates.publicKey() == null ? "" : "update.public-key=" + updates.publicKey() + "\n"));
        return Json.respond(HttpStatus.CREATED, o);
    }

    @Post("/boards")
    public HttpResponse<?> registerBoard(HttpRequest<?> request, @Nullable @Body String body) {
        Principal p = Guard.require(request, Role.ADMIN);
        RequestBody b = RequestBody.parse(body, "name", "labels", "heartbeatTimeoutMs");
        Map<String, String> labels = b.optionalStringMap("labels", Limits.MAP_ENTRIES);
        NodeAdmin.Registered r = admin.registerBoard(name(b, true), labels == null ? Map.of() : labels,
                b.optionalLong("heartbeatTimeoutMs", 1000, 86_400_000L), p.username());
        ObjectNode o = Json.object();
        o.set("node", Json.event(codec, r.entry()));
        o.put("token", r.secret());
        String base = settings.getBoardGatewayUrl();
        o.put("keepaliveUrl", base == null ? null
                : base.replaceAll("/+$", "") + "/v1/devices/" + r.entry().nodeId() + "/keepalive");
        return Json.respond(HttpStatus.CREATED, o);
    }

    private static String name(RequestBody b, boolean required) {
        String name = required ? b.string("name", Limits.NAME) : b.optionalString("name", Limits.NAME);
        if (name != null && name.isBlank()) {
            throw ApiException.invalid("name", "must not be blank");
        }
        return name;
    }
}
