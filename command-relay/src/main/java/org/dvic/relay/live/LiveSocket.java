package org.dvic.relay.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.websocket.CloseReason;
import io.micronaut.websocket.WebSocketSession;
import io.micronaut.websocket.annotation.OnClose;
import io.micronaut.websocket.annotation.OnError;
import io.micronaut.websocket.annotation.OnMessage;
import io.micronaut.websocket.annotation.OnOpen;
import io.micronaut.websocket.annotation.ServerWebSocket;
import jakarta.inject.Named;
import org.dvic.protocol.InvalidFieldException;
import org.dvic.protocol.Limits;
import org.dvic.protocol.event.Command;
import org.dvic.protocol.event.LogLevel;
import org.dvic.protocol.event.LogRecord;
import org.dvic.protocol.event.RegistryEntry;
import org.dvic.protocol.topic.Topics;
import org.dvic.relay.api.ApiException;
import org.dvic.relay.api.Json;
import org.dvic.relay.api.Params;
import org.dvic.relay.api.RequestBody;
import org.dvic.relay.auth.Operators;
import org.dvic.relay.auth.Principal;
import org.dvic.relay.auth.Role;
import org.dvic.relay.auth.SessionCodec;
import org.dvic.relay.config.RelaySettings;
import org.dvic.relay.fleet.FleetState;
import org.dvic.relay.fleet.FleetViews;
import org.dvic.relay.fleet.NodeView;
import org.dvic.relay.kafka.RelayProducer;
import org.dvic.store.CommandAuditRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The dashboard's live socket {@code /api/live} (protocol in API.md): subscriptions to the fleet,
 * a node's metrics and log tail, one's own commands, and terminals. Authenticated by the session
 * cookie at the upgrade ({@link org.dvic.relay.web.RequestGuardFilter} refuses the upgrade
 * without one); the role is checked on every message and the session re-checked every 30 s.
 */
@ServerWebSocket("/api/live")
public final class LiveSocket {
    private static final Logger LOG = LoggerFactory.getLogger(LiveSocket.class);
    private static final String CLIENT = "dvic.client";
    public static final int CLOSE_UNAUTHENTICATED = 4401;
    public static final int CLOSE_PROTOCOL = 4400;
    private static final int MAX_MESSAGE = 64 * 1024;
    private static final int MAX_ERRORS = 50;

    private final LiveHub hub;
    private final Operators operators;
    private final FleetState fleet;
    private final FleetViews views;
    private final RelayProducer producer;
    private final CommandAuditRepository audit;
    private final RelaySettings settings;
    private final ExecutorService blocking;
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "dvic-relay-live-sweep");
        t.setDaemon(true);
        return t;
    });

    public LiveSocket(LiveHub hub, Operators operators, FleetState fleet, FleetViews views, RelayProducer producer,
                      CommandAuditRepository audit, RelaySettings settings,
                      @Named(TaskExecutors.BLOCKING) ExecutorService blocking) {
        this.hub = hub;
        this.operators = operators;
        this.fleet = fleet;
        this.views = views;
        this.producer = producer;
        this.audit = audit;
        this.settings = settings;
        this.blocking = blocking;
        hub.onClientGone(this::closeTerminals);
        sweeper.scheduleWithFixedDelay(this::sweep, 30, 30, TimeUnit.SECONDS);
    }

    @OnOpen
    public void open(WebSocketSession session, HttpRequest<?> request) {
        String cookie = request.getCookies().findCookie(SessionCodec.COOKIE).map(Cookie::getValue).orElse(null);
        Principal principal = request.getAttribute(org.dvic.relay.web.RequestGuardFilter.PRINCIPAL, Principal.class)
                .orElse(null);
        if (principal == null) {
            session.close(new CloseReason(CLOSE_UNAUTHENTICATED, "log in first"));
            return;
        }
        LiveClient client = hub.connect(session, principal, cookie);
        session.put(CLIENT, client);
        LOG.debug("live socket opened by '{}'", principal.username());
    }

    @OnMessage(maxPayloadLength = MAX_MESSAGE)
    public void message(String text, WebSocketSession session) {
        LiveClient client = session.get(CLIENT, LiveClient.class).orElse(null);
        if (client == null || client.isClosed()) {
            return;
        }
        if (client.principal().expiresAt() <= System.currentTimeMillis()) {
            client.close(CLOSE_UNAUTHENTICATED, "session expired");
            hub.disconnect(client);
            return;
        }
        String id = null;
        String op = null;
        try {
            RequestBody msg = RequestBody.parse(text, "op", "id", "topic", "nodeId", "sources", "level", "cols", "rows",
                    "terminalId", "data");
            op = msg.string("op", 32);
            id = msg.optionalString("id", 64);
            switch (op) {
                case "ping" -> client.offer("{\"kind\":\"pong\"}");
                case "subscribe" -> subscribe(client, msg, requireId(id));
                case "unsubscribe" -> {
                    require(client, Role.VIEWER);
                    hub.unsubscribe(client, requireId(id));
                    client.offer("{\"kind\":\"unsubscribed\",\"id\":" + LiveMessages.quote(id) + "}");
                }
                case "terminal-open" -> terminalOpen(client, msg, requireId(id));
                case "terminal-input", "terminal-resize", "terminal-close" -> terminalAction(client, msg, op);
                default -> throw ApiException.invalid("op", "unknown op");
            }
        } catch (ApiException e) {
            error(client, id, op, e.code(), e.getMessage(), e.field());
        } catch (InvalidFieldException e) {
            error(client, id, op, "validation", e.reason(), e.field());
        }
    }

    @OnClose
    public void close(WebSocketSession session) {
        session.get(CLIENT, LiveClient.class).ifPresent(hub::disconnect);
    }

    @OnError
    public void error(WebSocketSession session, Throwable error) {
        LOG.debug("live socket error: {}", error.toString());
        session.get(CLIENT, LiveClient.class).ifPresent(c -> {
            c.close(CloseReason.INTERNAL_ERROR.getCode(), "error");
            hub.disconnect(c);
        });
    }

    private static String requireId(String id) {
        if (id == null || id.isEmpty()) {
            throw ApiException.invalid("id", "missing required field");
        }
        return id;
    }

    private static void require(LiveClient client, Role role) {
        if (!client.principal().role().atLeast(role)) {
            throw ApiException.forbidden("needs role " + role.wire());
        }
    }

    private int errors(LiveClient client) {
        return 0;
    }

    private void error(LiveClient client, String id, String op, String code, String message, String field) {
        ObjectNode m = Json.object();
        m.put("kind", "error");
        if (id != null) {
            m.put("id", id);
        }
        if (op != null) {
            m.put("op", op);
        }
        m.set("error", Json.error(code, message, field));
        client.offer(Json.write(m));
    }

    private void subscribe(LiveClient client, RequestBody msg, String id) {
        String topic = msg.string("topic", 16);
        if (client.subscriptions.size() >= settings.getLiveMaxSubscriptions() && !client.subscriptions.containsKey(id)) {
            throw new ApiException(io.micronaut.http.HttpStatus.CONFLICT, "too_many_subscriptions",
                    "at most " + settings.getLiveMaxSubscriptions() + " subscriptions per socket");
        }
        ObjectNode reply = Json.object();
        reply.put("kind", "subscribed");
        reply.put("id", id);
        reply.put("topic", topic);
        switch (topic) {
            case "fleet" -> {
                require(client, Role.VIEWER);
                hub.add(Subscription.of(client, id, topic, null, null, null));
                ArrayNode snapshot = views.summaries(new ArrayList<>(fleet.all()));
                reply.set("snapshot", snapshot);
            }
            case "metrics" -> {
                require(client, Role.VIEWER);
                UUID node = msg.uuid("nodeId");
                hub.add(Subscription.of(client, id, topic, node, null, null));
                reply.set("snapshot", fleet.find(node).map(views::latestMetrics).orElse(null));
            }
            case "logs" -> {
                require(client, Role.VIEWER);
                UUID node = msg.uuid("nodeId");
                Set<String> sources = sources(msg.raw("sources"));
                LogLevel level = null;
                String levelText = msg.optionalString("level", 8);
                if (levelText != null) {
                    try {
                        level = LogLevel.valueOf(levelText);
                    } catch (IllegalArgumentException e) {
                        throw ApiException.invalid("level", "one of TRACE, DEBUG, INFO, WARN, ERROR, FATAL");
                    }
                }
                hub.add(Subscription.of(client, id, topic, node, sources, level));
                reply.putNull("snapshot");
            }
            case "commands" -> {
                require(client, Role.OPERATOR);
                hub.add(Subscription.of(client, id, topic, null, null, null));
                reply.putNull("snapshot");
            }
            default -> throw ApiException.invalid("topic", "one of fleet, metrics, logs, commands");
        }
        client.offer(Json.write(reply));
    }

    private static Set<String> sources(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isArray() || node.size() > 64) {
            throw ApiException.invalid("sources", "expected an array of at most 64 sources");
        }
        Set<String> sources = new HashSet<>();
        for (JsonNode s : node) {
            if (!s.isTextual() || !LogRecord.isValidSource(s.textValue())) {
                throw ApiException.invalid("sources", "each must be demo:<token>, journal, syslog or agent");
            }
            sources.add(s.textValue());
        }
        return sources;
    }

    private void terminalOpen(LiveClient client, RequestBody msg, String id) {
        require(client, Role.OPERATOR);
        UUID nodeId = msg.uuid("nodeId");
        int cols = (int) msg.longValue("cols", 1, 1000);
        int rows = (int) msg.longValue("rows", 1, 1000);
        if (client.terminals.size() >= settings.getLiveMaxTerminals()) {
            throw new ApiException(io.micronaut.http.HttpStatus.CONFLICT, "too_many_terminals",
                    "at most " + settings.getLiveMaxTerminals() + " terminals per socket");
        }
        NodeView node = fleet.find(nodeId).orElseThrow(() -> ApiException.notFound("node"));
        if (node.revoked()) {
            throw ApiException.conflict("node_revoked", "the node is revoked");
        }
        if (node.registry() != null && node.registry().kind() == RegistryEntry.NodeKind.BOARD) {
            throw ApiException.conflict("not_an_agent", "boards have no terminal");
        }
        if (!node.online()) {
            throw ApiException.conflict("node_offline", "the node is offline");
        }
        if (node.inventory() != null && !node.inventory().terminalAllowed()) {
            throw ApiException.conflict("terminal_refused", "the node does not allow terminals (agent setting)");
        }
        long now = System.currentTimeMillis();
        UUID terminalId = UUID.randomUUID();
        Command.TerminalOpen open = new Command.TerminalOpen(terminalId, nodeId, client.principal().username(), now,
                now + settings.getCommandDefaultDeadline().toMillis(), cols, rows,
                settings.getTerminalIdleTimeout().toMillis());
        client.terminals.put(terminalId, new LiveClient.Terminal(terminalId, nodeId, id));
        hub.bindTerminal(terminalId, client);
        // Audit first (outcomes find the row), then Kafka; off the event loop.
        blocking.execute(() -> {
            try {
                audit.recordIssued(open).toCompletableFuture().get(10, TimeUnit.SECONDS);
                producer.sendAndWait(Topics.COMMANDS, nodeId, open, now);
                LOG.info("terminal {} opened on node {} by '{}'", terminalId, nodeId, open.issuedBy());
                client.offer("{\"kind\":\"terminal-opened\",\"id\":" + LiveMessages.quote(id) + ",\"terminalId\":\""
                        + terminalId + "\",\"nodeId\":\"" + nodeId + "\"}");
            } catch (Exception e) {
                client.terminals.remove(terminalId);
                hub.unbindTerminal(terminalId);
                error(client, id, "terminal-open", "unavailable", "the terminal could not be opened; retry", null);
            }
        });
    }

    private void terminalAction(LiveClient client, RequestBody msg, String op) {
        require(client, Role.OPERATOR);
        UUID terminalId = msg.uuid("terminalId");
        LiveClient.Terminal t = client.terminals.get(terminalId);
        if (t == null) {
            throw ApiException.notFound("terminal");
        }
        long now = System.currentTimeMillis();
        long expires = now + settings.getCommandDefaultDeadline().toMillis();
        String user = client.principal().username();
        Command command = switch (op) {
            case "terminal-input" -> new Command.TerminalInput(UUID.randomUUID(), t.nodeId(), user, now, expires,
                    terminalId, msg.string("data", Limits.OUTPUT_CHUNK));
            case "terminal-resize" -> new Command.TerminalResize(UUID.randomUUID(), t.nodeId(), user, now, expires,
                    terminalId, (int) msg.longValue("cols", 1, 1000), (int) msg.longValue("rows", 1, 1000));
            default -> new Command.TerminalClose(UUID.randomUUID(), t.nodeId(), user, now, expires, terminalId);
        };
        producer.send(Topics.COMMANDS, t.nodeId(), command, now).whenComplete((ok, e) -> {
            if (e != null) {
                error(client, t.requestId(), op, "unavailable", "not sent; retry", null);
            }
        });
    }

    /** When a socket goes, its terminals close too. */
    private void closeTerminals(LiveClient client) {
        for (LiveClient.Terminal t : client.terminals.values()) {
            long now = System.currentTimeMillis();
            Command.TerminalClose close = new Command.TerminalClose(UUID.randomUUID(), t.nodeId(),
                    client.principal().username(), now, now + settings.getCommandDefaultDeadline().toMillis(),
                    t.terminalId());
            producer.send(Topics.COMMANDS, t.nodeId(), close, now);
        }
        client.terminals.clear();
    }

    /** Ends sockets whose session expired or whose account changed (password, role, disabled, deleted). */
    private void sweep() {
        long now = System.currentTimeMillis();
        for (LiveClient c : hub.clients()) {
            try {
                Principal p = operators.fromCookie(c.cookie(), now);
                if (p == null) {
                    c.close(CLOSE_UNAUTHENTICATED, "session expired");
                    hub.disconnect(c);
                } else {
                    c.principal(p);
                }
            } catch (RuntimeException e) {
                LOG.debug("session sweep: {}", e.toString());
            }
        }
    }

    public void stop() {
        sweeper.shutdownNow();
    }
}
