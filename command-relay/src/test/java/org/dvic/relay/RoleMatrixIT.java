package org.dvic.relay;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.runtime.server.EmbeddedServer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.dvic.devstack.junit.DevStackExtension;
import org.dvic.devstack.junit.TestStack;
import org.dvic.protocol.topic.Topics;
import org.dvic.relay.RelayTestSupport.Client;
import org.dvic.relay.RelayTestSupport.LiveSocket;
import org.dvic.relay.RelayTestSupport.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;

import static org.awaitility.Awaitility.await;
import static org.dvic.relay.RelayTestSupport.PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each role (none, viewer, operator, admin) against each endpoint and each socket action: no
 * session is 401, a role below the minimum is 403, and at or above it the request gets past
 * authorization (whatever the answer then is).
 */
@ExtendWith(DevStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RoleMatrixIT {
    private EmbeddedServer server;
    private final Map<String, Client> clients = new LinkedHashMap<>();
    private KafkaProducer<byte[], byte[]> producer;
    private UUID node;
    private UUID board;

    /** Minimum role per endpoint; "none" = public. */
    private record Endpoint(String method, String path, String body, String minRole) {
    }

    @BeforeAll
    void start(TestStack stack) {
        RelayTestSupport.prepareKeyspace(stack);
        server = RelayTestSupport.start(stack, Map.of());
        Client admin = RelayTestSupport.adminAndUsers(server);
        clients.put("none", new Client(server));
        clients.put("viewer", new Client(server).login("viewer", PASSWORD));
        clients.put("operator", new Client(server).login("operator", PASSWORD));
        clients.put("admin", admin);
        producer = RelayTestSupport.producer(stack);
        node = UUID.fromString(admin.post("/api/nodes/agents", "{\"name\":\"matrix-pc\"}").json().path("node").path("nodeId").asText());
        board = UUID.fromString(admin.post("/api/nodes/boards", "{\"name\":\"matrix-board\"}").json().path("node").path("nodeId").asText());
        RelayTestSupport.publish(producer, stack, Topics.INVENTORY, node.toString(), RelayTestSupport.inventory(node, true, true));
        RelayTestSupport.publish(producer, stack, Topics.NODE_STATUS, node.toString(), RelayTestSupport.online(node));
        await().atMost(Duration.ofSeconds(20)).until(() -> admin.get("/api/nodes/" + node).json().path("state").asText()
                .equals("ONLINE"));
    }

    @AfterAll
    void stop() {
        producer.close();
        server.close();
    }

    private List<Endpoint> endpoints() {
        String exec = "{\"command\":{\"type\":\"exec\",\"commandLine\":\"true\"}}";
        String update = "{\"command\":{\"type\":\"update\",\"version\":\"2\",\"url\":\"https://example.org/a.jar\",\"sha256\":\""
                + "a".repeat(64) + "\"}}";
        String n = "/api/nodes/" + node;
        return List.of(
                new Endpoint("GET", "/api/auth/setup", null, "none"),
                new Endpoint("GET", "/health", null, "none"),
                new Endpoint("GET", "/api/auth/me", null, "viewer"),
                new Endpoint("PUT", "/api/auth/password", "{\"currentPassword\":\"wrong wrong wrong\",\"newPassword\":\"" + PASSWORD + "\"}", "viewer"),
                new Endpoint("GET", "/api/nodes", null, "viewer"),
                new Endpoint("GET", n, null, "viewer"),
                new Endpoint("GET", n + "/metrics?metric=cpu.total_pct", null, "viewer"),
                new Endpoint("GET", n + "/logs", null, "viewer"),
                new Endpoint("GET", n + "/logs/export", null, "viewer"),
                new Endpoint("GET", n + "/logs/sources", null, "viewer"),
                new Endpoint("GET", n + "/status-history", null, "viewer"),
                new Endpoint("GET", n + "/process-history", null, "viewer"),
                new Endpoint("GET", n + "/commands", null, "operator"),
                new Endpoint("GET", "/api/commands/" + UUID.randomUUID(), null, "operator"),
                new Endpoint("POST", n + "/commands", exec, "operator"),
                new Endpoint("POST", n + "/commands", "{\"command\":{\"type\":\"signal\",\"token\":\"abc\",\"pid\":42,\"signal\":\"TERM\"}}", "operator"),
                new Endpoint("POST", n + "/commands", update, "admin"),
                new Endpoint("POST", "/api/commands/bulk", "{\"nodeIds\":[\"" + node + "\"]," + exec.substring(1), "operator"),
                new Endpoint("POST", "/api/nodes/agents", "{\"name\":\"m\"}", "admin"),
                new Endpoint("POST", "/api/nodes/boards", "{\"name\":\"m\"}", "admin"),
                new Endpoint("PATCH", n, "{\"labels\":{\"k\":\"v\"}}", "admin"),
                new Endpoint("POST", "/api/nodes/" + board + "/revoke", null, "admin"),
                new Endpoint("GET", "/api/operators", null, "admin"),
                new Endpoint("POST", "/api/operators", "{\"username\":\"made-by-matrix\",\"password\":\"" + PASSWORD + "\",\"role\":\"viewer\"}", "admin"),
                new Endpoint("PATCH", "/api/operators/made-by-matrix", "{\"role\":\"viewer\"}", "admin"),
                new Endpoint("DELETE", "/api/operators/nobody-here", null, "admin"));
    }

    private static int rank(String role) {
        return List.of("none", "viewer", "operator", "admin").indexOf(role);
    }

    @Test
    void everyRoleAgainstEveryEndpoint() {
        List<String> failures = new ArrayList<>();
        for (Endpoint e : endpoints()) {
            for (Map.Entry<String, Client> c : clients.entrySet()) {
                Response r = call(c.getValue(), e);
                int expected;
                boolean allowed = rank(c.getKey()) >= rank(e.minRole());
                if (allowed) {
                    if (r.status() == 401 || r.status() == 403) {
                        failures.add(c.getKey() + " " + e.method() + " " + e.path() + " -> " + r.status() + " (should pass)");
                    }
                    continue;
                }
                expected = c.getKey().equals("none") ? 401 : 403;
                if (r.status() != expected) {
                    failures.add(c.getKey() + " " + e.method() + " " + e.path() + " -> " + r.status() + " " + r.body()
                            + " (expected " + expected + ")");
                } else if (!r.errorCode().equals(expected == 401 ? "unauthenticated" : "forbidden")) {
                    failures.add(c.getKey() + " " + e.method() + " " + e.path() + " -> code " + r.errorCode());
                }
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    private static Response call(Client c, Endpoint e) {
        return switch (e.method()) {
            case "GET" -> c.get(e.path());
            case "POST" -> c.post(e.path(), e.body());
            case "PUT" -> c.put(e.path(), e.body());
            case "PATCH" -> c.patch(e.path(), e.body());
            case "DELETE" -> c.delete(e.path());
            default -> throw new IllegalArgumentException(e.method());
        };
    }

    @Test
    void everyRoleAgainstEverySocketAction() {
        // No session: the upgrade itself is refused with 401
        CompletionException refused = assertThrows(CompletionException.class,
                () -> LiveSocket.open("ws://127.0.0.1:" + server.getPort() + "/api/live", null, true));
        assertTrue(refused.getCause() instanceof WebSocketHandshakeException);
        assertEquals(401, ((WebSocketHandshakeException) refused.getCause()).getResponse().statusCode());

        Map<String, String> actions = new LinkedHashMap<>();
        actions.put("{\"op\":\"subscribe\",\"id\":\"a\",\"topic\":\"fleet\"}", "viewer");
        actions.put("{\"op\":\"subscribe\",\"id\":\"b\",\"topic\":\"metrics\",\"nodeId\":\"" + node + "\"}", "viewer");
        actions.put("{\"op\":\"subscribe\",\"id\":\"c\",\"topic\":\"logs\",\"nodeId\":\"" + node + "\"}", "viewer");
        actions.put("{\"op\":\"unsubscribe\",\"id\":\"c\"}", "viewer");
        actions.put("{\"op\":\"subscribe\",\"id\":\"d\",\"topic\":\"commands\"}", "operator");
        actions.put("{\"op\":\"terminal-open\",\"id\":\"e\",\"nodeId\":\"" + node + "\",\"cols\":80,\"rows\":24}", "operator");
        actions.put("{\"op\":\"terminal-input\",\"terminalId\":\"" + UUID.randomUUID() + "\",\"data\":\"x\"}", "operator");
        actions.put("{\"op\":\"terminal-resize\",\"terminalId\":\"" + UUID.randomUUID() + "\",\"cols\":80,\"rows\":24}", "operator");
        actions.put("{\"op\":\"terminal-close\",\"terminalId\":\"" + UUID.randomUUID() + "\"}", "operator");

        List<String> failures = new ArrayList<>();
        for (String role : List.of("viewer", "operator", "admin")) {
            LiveSocket live = clients.get(role).live();
            for (Map.Entry<String, String> a : actions.entrySet()) {
                live.messages.clear();
                live.send(a.getKey());
                live.send("{\"op\":\"ping\"}");
                // Everything the server says up to the pong answers this action.
                List<JsonNode> answers = new ArrayList<>();
                JsonNode m;
                do {
                    m = take(live);
                    answers.add(m);
                } while (!m.path("kind").asText().equals("pong"));
                boolean forbidden = answers.stream().anyMatch(x -> x.path("kind").asText().equals("error")
                        && x.path("error").path("code").asText().equals("forbidden"));
                boolean allowed = rank(role) >= rank(a.getValue());
                if (allowed == forbidden) {
                    failures.add(role + " " + a.getKey() + " -> " + answers);
                }
            }
            live.close();
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    private static JsonNode take(LiveSocket live) {
        try {
            JsonNode m = live.messages.poll(20, java.util.concurrent.TimeUnit.SECONDS);
            if (m == null) {
                throw new AssertionError("no answer");
            }
            return m;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
