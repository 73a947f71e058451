package org.dvic.relay;

import com.datastax.oss.driver.api.core.CqlSession;
import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.runtime.server.EmbeddedServer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.dvic.devstack.junit.DevStackExtension;
import org.dvic.devstack.junit.TestStack;
import org.dvic.protocol.event.Command;
import org.dvic.protocol.event.LogLevel;
import org.dvic.protocol.event.LogRecord;
import org.dvic.protocol.event.MetricSample;
import org.dvic.protocol.identity.BoardTokens;
import org.dvic.protocol.identity.ConnectToken;
import org.dvic.protocol.identity.NodeKeys;
import org.dvic.protocol.identity.UpdateSignature;
import org.dvic.protocol.topic.Topics;
import org.dvic.relay.RelayTestSupport.Client;
import org.dvic.relay.RelayTestSupport.Response;
import org.dvic.store.CassandraStore;
import org.dvic.store.LogRepository;
import org.dvic.store.RawMetricRepository;
import org.dvic.store.StoreSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.dvic.relay.RelayTestSupport.PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The REST API on real Kafka and Cassandra: operators, node administration, fleet, history, commands, security. */
@ExtendWith(DevStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RelayApiIT {
    private TestStack stack;
    private EmbeddedServer server;
    private Client admin;
    private Client operator;
    private KafkaProducer<byte[], byte[]> producer;
    private Path dashboard;

    @BeforeAll
    void start(TestStack stack) throws Exception {
        this.stack = stack;
        RelayTestSupport.prepareKeyspace(stack);
        dashboard = Files.createTempDirectory("dashboard");
        Files.writeString(dashboard.resolve("index.html"), "<!doctype html><title>DVIC</title>");
        Files.createDirectories(dashboard.resolve("assets"));
        Files.writeString(dashboard.resolve("assets/app-1234.js"), "console.log('dvic')");
        server = RelayTestSupport.start(stack, Map.of("dvic.relay.dashboard-dir", dashboard.toString()));
        admin = RelayTestSupport.adminAndUsers(server);
        operator = new Client(server).login("operator", PASSWORD);
        producer = RelayTestSupport.producer(stack);
    }

    @AfterAll
    void stop() {
        producer.close();
        server.close();
    }

    private UUID registerAgent(String name, String labels) {
        Response r = admin.post("/api/nodes/agents", "{\"name\":\"" + name + "\",\"labels\":" + labels + "}");
        assertEquals(201, r.status(), r.body());
        return UUID.fromString(r.json().path("node").path("nodeId").asText());
    }

    @Test
    void setupWorksOnceAndLoginNeverSaysWhetherTheUserExists() {
        // Given the first admin exists (created in start through the setup token)
        // When someone tries the setup again
        Response again = new Client(server).post("/api/auth/setup", "{\"setupToken\":\"" + RelayTestSupport.SETUP_TOKEN
                + "\",\"username\":\"mallory\",\"password\":\"" + PASSWORD + "\"}");
        // Then it is refused
        assertEquals(409, again.status());
        assertEquals("setup_done", again.errorCode());
        assertFalse(admin.get("/api/auth/setup").json().path("setupRequired").asBoolean());

        // When logging in with a wrong password, and as a user that does not exist
        Response wrong = new Client(server).post("/api/auth/login", "{\"username\":\"viewer\",\"password\":\"nope nope nope\"}");
        Response unknown = new Client(server).post("/api/auth/login", "{\"username\":\"ghost\",\"password\":\"nope nope nope\"}");
        // Then both answers are the same
        assertEquals(401, wrong.status());
        assertEquals(wrong.body(), unknown.body());
        assertEquals(wrong.status(), unknown.status());

        // And a good login sets a hardened cookie
        Client c = new Client(server);
        Response ok = c.post("/api/auth/login", "{\"username\":\"viewer\",\"password\":\"" + PASSWORD + "\"}");
        assertEquals(200, ok.status());
        String cookie = ok.header("Set-Cookie");
        assertTrue(cookie.toLowerCase().contains("httponly"), cookie);
        assertTrue(cookie.contains("SameSite=Strict"), cookie);
        assertFalse(cookie.contains("Secure"), "no TLS here: " + cookie);
        assertEquals("viewer", c.get("/api/auth/me").json().path("role").asText());
        assertFalse(ok.body().contains(PASSWORD));

        // And logging out clears it
        Response out = c.post("/api/auth/logout", null);
        assertEquals(204, out.status());
        assertTrue(out.header("Set-Cookie").contains("Max-Age=0"), out.header("Set-Cookie"));
    }

    @Test
    void changingAPasswordOrRoleEndsOtherSessionsAndDisabledAccountsCannotLogIn() {
        // Given an account logged in twice
        assertEquals(201, admin.post("/api/operators", "{\"username\":\"carol\",\"password\":\"" + PASSWORD
                + "\",\"role\":\"operator\"}").status());
        Client laptop = new Client(server).login("carol", PASSWORD);
        Client phone = new Client(server).login("carol", PASSWORD);
        // When carol changes her password on the laptop
        assertEquals(204, laptop.put("/api/auth/password", "{\"currentPassword\":\"" + PASSWORD
                + "\",\"newPassword\":\"a much newer password\"}").status());
        // Then the laptop stays logged in and the phone is logged out
        assertEquals(200, laptop.get("/api/auth/me").status());
        assertEquals(401, phone.get("/api/auth/me").status());
        // When an admin demotes her, Then her session ends too (the role is not trusted from the cookie)
        assertEquals(200, admin.patch("/api/operators/carol", "{\"role\":\"viewer\"}").status());
        assertEquals(401, laptop.get("/api/auth/me").status());
        Client again = new Client(server).login("carol", "a much newer password");
        assertEquals("viewer", again.get("/api/auth/me").json().path("role").asText());
        // When she is disabled, Then she cannot log in, with the same answer as a wrong password
        assertEquals(200, admin.patch("/api/operators/carol", "{\"disabled\":true}").status());
        assertEquals("invalid_credentials", new Client(server).post("/api/auth/login",
                "{\"username\":\"carol\",\"password\":\"a much newer password\"}").errorCode());
        // And an admin cannot lock itself out
        assertEquals(400, admin.patch("/api/operators/admin", "{\"role\":\"viewer\"}").status());
        assertEquals(400, admin.delete("/api/operators/admin").status());
    }

    @Test
    void loginIsRateLimitedPerAddressAndUser() {
        // Given a relay that allows 3 failures per window (its own instance, so other tests keep logging in)
        EmbeddedServer strict = RelayTestSupport.start(stack, Map.of("dvic.relay.auth.login-attempts", 3,
                "dvic.relay.setup.print-token", false, "dvic.relay.audit-sink.enabled", false));
        try {
            Client c = new Client(strict);
            // When a guesser fails three times
            for (int i = 0; i < 3; i++) {
                assertEquals(401, c.post("/api/auth/login", "{\"username\":\"operator\",\"password\":\"guess " + i
                        + " guess\"}").status());
            }
            // Then even the right password is refused for now, with 429 and Retry-After
            Response blocked = c.post("/api/auth/login", "{\"username\":\"operator\",\"password\":\"" + PASSWORD + "\"}");
            assertEquals(429, blocked.status());
            assertEquals("rate_limited", blocked.errorCode());
            assertNotNull(blocked.header("Retry-After"));
        } finally {
            strict.close();
        }
    }

    @Test
    void aRelayWithoutSessionSecretRefusesToStartAndNamesTheSetting() {
        // Given everything but the secret
        Map<String, Object> props = new HashMap<>();
        props.put("dvic.kafka.bootstrap-servers", stack.bootstrapServers());
        props.put("dvic.cassandra.contact-points", "127.0.0.1:" + stack.cassandraPort());
        props.put("dvic.cassandra.keyspace", stack.keyspace());
        props.put("micronaut.server.port", -1);
        // When it starts, Then it stops with the setting's name
        Exception e = assertThrows(Exception.class,
                () -> io.micronaut.context.ApplicationContext.run(EmbeddedServer.class, props).close());
        StringBuilder messages = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append('\n');
        }
        assertTrue(messages.toString().contains("dvic.relay.auth.session-secret"), messages.toString());
    }

    @Test
    void registeringAnAgentReturnsAWorkingKeyOnceAndPublishesOnlyThePublicKey() throws Exception {
        // When an admin registers an agent
        Response r = admin.post("/api/nodes/agents", "{\"name\":\"demo-pc-1\",\"labels\":{\"room\":\"lab\"}}");
        // Then the answer holds a private key that signs tokens the published public key verifies
        assertEquals(201, r.status(), r.body());
        assertEquals("no-store", r.header("Cache-Control"));
        JsonNode node = r.json().path("node");
        UUID nodeId = UUID.fromString(node.path("nodeId").asText());
        String privateKey = r.json().path("agentConfig").path("privateKey").asText();
        String token = ConnectToken.create(nodeId, NodeKeys.decodePrivate(privateKey), Instant.now(), new SecureRandom());
        ConnectToken.verify(token, NodeKeys.decodePublic(node.path("publicKey").asText()), Instant.now(), Duration.ofMinutes(1));
        assertTrue(r.json().path("agentConfig").path("configFile").asText().contains("node.id=" + nodeId));

        // And the registry topic holds the public key and never the private one
        List<String> values = readAll(stack.topic(Topics.REGISTRY));
        assertTrue(values.stream().anyMatch(v -> v.contains(nodeId.toString())));
        assertTrue(values.stream().noneMatch(v -> v.contains(privateKey)));

        // And the fleet lists it, selectable by label
        JsonNode list = admin.get("/api/nodes?label=room=lab").json().path("nodes");
        assertTrue(contains(list, nodeId));
        assertFalse(contains(admin.get("/api/nodes?label=room=elsewhere").json().path("nodes"), nodeId));
        assertEquals("demo-pc-1", admin.get("/api/nodes/" + nodeId).json().path("name").asText());
    }

    @Test
    void boardsKeepOnlyTheTokenHashAndNodesCanBeRenamedRelabelledAndRevoked() {
        // Given a board
        Response board = admin.post("/api/nodes/boards", "{\"name\":\"esp-door\"}");
        assertEquals(201, board.status(), board.body());
        String token = board.json().path("token").asText();
        assertEquals(BoardTokens.sha256Hex(token), board.json().path("node").path("tokenSha256").asText());
        UUID id = UUID.fromString(board.json().path("node").path("nodeId").asText());

        // When it is renamed and relabelled
        Response changed = admin.patch("/api/nodes/" + id, "{\"name\":\"esp-front-door\",\"labels\":{\"floor\":\"1\"}}");
        // Then the new entry says so
        assertEquals(200, changed.status(), changed.body());
        assertEquals("esp-front-door", changed.json().path("name").asText());
        assertEquals("1", changed.json().path("labels").path("floor").asText());

        // When it is revoked, Then it stays revoked and cannot be changed
        assertTrue(admin.post("/api/nodes/" + id + "/revoke", null).json().path("revoked").asBoolean());
        Response after = admin.patch("/api/nodes/" + id, "{\"name\":\"x\"}");
        assertEquals(409, after.status());
        assertEquals("node_revoked", after.errorCode());
        assertFalse(contains(admin.get("/api/nodes").json().path("nodes"), id));
        assertTrue(contains(admin.get("/api/nodes?includeRevoked=true").json().path("nodes"), id));
    }

    @Test
    void badInputIsRefusedNamingTheField() {
        assertField(admin.post("/api/nodes/agents", "{\"name\":5}"), "name");
        assertField(admin.post("/api/nodes/agents", "{\"name\":\"a\",\"colour\":\"red\"}"), "colour");
        assertField(admin.post("/api/nodes/agents", "{\"name\":\"a\",\"labels\":{\"bad key!\":\"x\"}}"), "labels");
        assertField(admin.post("/api/nodes/agents", "not json"), "$");
        assertField(admin.get("/api/nodes/not-a-uuid"), "nodeId");
        UUID node = registerAgent("validation-pc", "{}");
        assertField(operator.post("/api/nodes/" + node + "/commands", "{\"command\":{\"type\":\"exec\",\"commandLine\":\" \"}}"),
                "command.commandLine");
        assertField(operator.post("/api/nodes/" + node + "/commands", "{\"command\":{\"type\":\"signal\",\"token\":\"t!\",\"pid\":5,\"signal\":\"TERM\"}}"),
                "command.token");
        assertField(operator.post("/api/nodes/" + node + "/commands", "{\"command\":{\"type\":\"exec\",\"commandLine\":\"ls\"},\"queue\":true}"),
                "deadlineMs");
        assertField(admin.get("/api/nodes/" + node + "/logs?level=LOUD"), "level");
        assertField(admin.post("/api/operators", "{\"username\":\"Bad Name\",\"password\":\"" + PASSWORD + "\",\"role\":\"viewer\"}"),
                "username");
        assertField(admin.post("/api/operators", "{\"username\":\"shortpw\",\"password\":\"short\",\"role\":\"viewer\"}"),
                "password");
    }

    @Test
    void commandsToOfflineNodesFailAtOnceUnlessQueuedAndQueuedOnesGoOutWhenTheNodeReturns() throws Exception {
        // Given an agent node that is offline, and one that refuses remote execution
        UUID node = registerAgent("offline-pc", "{}");
        RelayTestSupport.publish(producer, stack, Topics.NODE_STATUS, node.toString(), RelayTestSupport.offline(node));
        await().atMost(Duration.ofSeconds(20)).until(() -> admin.get("/api/nodes/" + node).json().path("state").asText()
                .equals("OFFLINE"));

        // When an exec is sent without queueing, Then it is refused at once
        Response refused = operator.post("/api/nodes/" + node + "/commands", "{\"command\":{\"type\":\"exec\",\"commandLine\":\"uptime\"}}");
        assertEquals(409, refused.status());
        assertEquals("node_offline", refused.errorCode());

        // When it is queued with a deadline
        Response queued = operator.post("/api/nodes/" + node + "/commands",
                "{\"command\":{\"type\":\"exec\",\"commandLine\":\"uptime\"},\"queue\":true,\"deadlineMs\":60000}");
        assertEquals(202, queued.status(), queued.body());
        assertEquals("QUEUED", queued.json().path("status").asText());
        String commandId = queued.json().path("commandId").asText();

        // And the node comes back
        RelayTestSupport.publish(producer, stack, Topics.NODE_STATUS, node.toString(), RelayTestSupport.online(node));
        // Then the command goes out on dvic.commands, issued by the operator
        await().atMost(Duration.ofSeconds(30)).until(() -> readAll(stack.topic(Topics.COMMANDS)).stream()
                .anyMatch(v -> v.contains(commandId) && v.contains("\"issuedBy\":\"operator\"")));
        // And the audit shows it
        JsonNode audit = operator.get("/api/nodes/" + node + "/commands").json().path("commands");
        assertEquals(commandId, audit.get(0).path("commandId").asText());
        assertEquals("uptime", audit.get(0).path("summary").asText());

        // And a node that refuses remote exec, a board and an unknown node are told apart
        UUID noExec = registerAgent("locked-pc", "{}");
        RelayTestSupport.publish(producer, stack, Topics.INVENTORY, noExec.toString(),
                RelayTestSupport.inventory(noExec, false, false));
        RelayTestSupport.publish(producer, stack, Topics.NODE_STATUS, noExec.toString(), RelayTestSupport.online(noExec));
        await().atMost(Duration.ofSeconds(20)).until(() -> admin.get("/api/nodes/" + noExec).json().path("hostname").isTextual());
        assertEquals("exec_refused", operator.post("/api/nodes/" + noExec + "/commands",
                "{\"command\":{\"type\":\"exec\",\"commandLine\":\"ls\"}}").errorCode());
        assertEquals(404, operator.post("/api/nodes/" + UUID.randomUUID() + "/commands",
                "{\"command\":{\"type\":\"exec\",\"commandLine\":\"ls\"}}").status());
        // And an update needs an admin
        assertEquals(403, operator.post("/api/nodes/" + node + "/commands", "{\"command\":{\"type\":\"update\",\"version\":\"2\","
                + "\"url\":\"https://example.org/a.jar\",\"sha256\":\"" + "a".repeat(64) + "\"}}").status());
    }

    @Test
    void updatesGoOutSignedWithTheKeyNewAgentsGetAtRegistration() {
        // Given an agent registered through the relay: its config carries the relay's update key
        Response reg = admin.post("/api/nodes/agents", "{\"name\":\"update-pc\",\"labels\":{}}");
        assertEquals(201, reg.status(), reg.body());
        UUID node = UUID.fromString(reg.json().path("node").path("nodeId").asText());
        String key = reg.json().path("agentConfig").path("updatePublicKey").asText();
        assertTrue(reg.json().path("agentConfig").path("configFile").asText().contains("update.public-key=" + key));
        RelayTestSupport.publish(producer, stack, Topics.NODE_STATUS, node.toString(), RelayTestSupport.online(node));
        await().atMost(Duration.ofSeconds(20)).until(() -> admin.get("/api/nodes/" + node).json().path("state").asText()
                .equals("ONLINE"));

        // When an admin sends an update
        String sha = "ab".repeat(32);
        Response sent = admin.post("/api/nodes/" + node + "/commands", "{\"command\":{\"type\":\"update\",\"version\":"
                + "\"2.0\",\"url\":\"https://example.org/dvic-agent-2.0.jar\",\"sha256\":\"" + sha + "\"}}");
        assertEquals(202, sent.status(), sent.body());
        String commandId = sent.json().path("commandId").asText();

        // Then the command on dvic.commands carries a signature that key verifies, for that version and hash only
        String record = await().atMost(Duration.ofSeconds(30)).until(() -> readAll(stack.topic(Topics.COMMANDS)).stream()
                .filter(v -> v.contains(commandId)).findFirst().orElse(null), java.util.Objects::nonNull);
        Command.Update update = RelayTestSupport.CODEC.decode(record.getBytes(StandardCharsets.UTF_8), Command.Update.class);
        assertTrue(UpdateSignature.verify(NodeKeys.decodePublic(key), "2.0", sha, update.signature()));
        assertFalse(UpdateSignature.verify(NodeKeys.decodePublic(key), "2.1", sha, update.signature()));
    }

    @Test
    void bulkCommandsAnswerPerNode() {
        // Given two online nodes and one offline, all labelled
        UUID a = registerAgent("bulk-a", "{\"group\":\"bulk\"}");
        UUID b = registerAgent("bulk-b", "{\"group\":\"bulk\"}");
        UUID c = registerAgent("bulk-c", "{\"group\":\"bulk\"}");
        RelayTestSupport.publish(producer, stack, Topics.NODE_STATUS, a.toString(), RelayTestSupport.online(a));
        RelayTestSupport.publish(producer, stack, Topics.NODE_STATUS, b.toString(), RelayTestSupport.online(b));
        RelayTestSupport.publish(producer, stack, Topics.NODE_STATUS, c.toString(), RelayTestSupport.offline(c));
        await().atMost(Duration.ofSeconds(20)).until(() -> admin.get("/api/nodes/" + c).json().path("state").asText()
                .equals("OFFLINE") && admin.get("/api/nodes/" + b).json().path("state").asText().equals("ONLINE"));

        // When an exec goes to the label selector
        Response r = operator.post("/api/commands/bulk", "{\"selector\":{\"group\":\"bulk\"},\"command\":{\"type\":\"exec\",\"commandLine\":\"true\"}}");
        // Then each node has its own result
        assertEquals(200, r.status(), r.body());
        Map<String, JsonNode> results = new HashMap<>();
        r.json().path("results").forEach(x -> results.put(x.path("nodeId").asText(), x));
        assertEquals(3, results.size());
        assertTrue(results.get(a.toString()).path("ok").asBoolean());
        assertTrue(results.get(b.toString()).path("ok").asBoolean());
        assertEquals("node_offline", results.get(c.toString()).path("error").path("code").asText());

        // And an empty target set is a 400
        assertEquals("no_targets", operator.post("/api/commands/bulk",
                "{\"selector\":{\"group\":\"none\"},\"command\":{\"type\":\"exec\",\"commandLine\":\"true\"}}").errorCode());
    }

    @Test
    void fleetShowsStatusAndLastMetricsAndHistoryComesFromCassandra() throws Exception {
        // Given a node with live metrics on Kafka and history in Cassandra
        UUID node = registerAgent("history-pc", "{}");
        long now = System.currentTimeMillis();
        RelayTestSupport.publish(producer, stack, Topics.NODE_STATUS, node.toString(), RelayTestSupport.online(node));
        RelayTestSupport.publish(producer, stack, Topics.METRICS, node.toString(),
                new MetricSample(node, 5, now, Map.of("cpu.total_pct", 42.5)));
        try (CqlSession session = CassandraStore.open(StoreSettings.local(stack.cassandraPort(), stack.keyspace()))) {
            RawMetricRepository raw = new RawMetricRepository(session, stack.keyspace());
            LogRepository logs = new LogRepository(session, stack.keyspace());
            for (int i = 0; i < 10; i++) {
                raw.save(new MetricSample(node, i, now - 60_000 + i * 1000, Map.of("cpu.total_pct", (double) i)))
                        .toCompletableFuture().join();
            }
            for (int i = 0; i < 25; i++) {
                logs.save(new LogRecord(node, 100 + i, now - 30_000 + i * 100, i % 2 == 0 ? "journal" : "agent",
                        i % 5 == 0 ? LogLevel.ERROR : LogLevel.INFO, "line " + i + (i == 7 ? " <b>needle</b>" : ""),
                        null, null, null)).toCompletableFuture().join();
            }
        }

        // Then the fleet view shows status and the latest values
        // (status and metrics come from two topics: either may be applied first)
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            JsonNode view = admin.get("/api/nodes/" + node).json();
            return view.path("lastMetrics").path("values").path("cpu.total_pct").asDouble() == 42.5
                    && view.path("state").asText().equals("ONLINE");
        });

        // And raw metric history is chosen for a short range, oldest first
        Client viewer = new Client(server).login("viewer", PASSWORD);
        JsonNode metrics = viewer.get("/api/nodes/" + node + "/metrics?metric=cpu.total_pct&from=" + (now - 120_000)
                + "&to=" + now).json();
        assertEquals("raw", metrics.path("resolution").asText());
        JsonNode points = metrics.path("series").get(0).path("points");
        assertEquals(10, points.size());
        assertEquals(0.0, points.get(0).path("value").asDouble());
        assertEquals("1h", viewer.get("/api/nodes/" + node + "/metrics?metric=cpu.total_pct&from=" + (now - 30L * 86_400_000)
                + "&to=" + now).json().path("resolution").asText());

        // And logs page across sources, newest first, without losing or repeating a line
        List<String> seen = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = viewer.get("/api/nodes/" + node + "/logs?limit=7&from=" + (now - 60_000) + "&to=" + now
                    + (cursor == null ? "" : "&cursor=" + cursor)).json();
            page.path("lines").forEach(l -> seen.add(l.path("message").asText()));
            cursor = page.path("nextCursor").isNull() ? null : page.path("nextCursor").asText();
        } while (cursor != null);
        assertEquals(25, seen.size());
        assertEquals(25, seen.stream().distinct().count());
        assertTrue(seen.get(0).startsWith("line 24"));

        // And filters by level, source and text
        assertEquals(5, viewer.get("/api/nodes/" + node + "/logs?level=ERROR&from=" + (now - 60_000)).json().path("lines").size());
        assertEquals(12, viewer.get("/api/nodes/" + node + "/logs?source=agent&from=" + (now - 60_000)).json().path("lines").size());
        JsonNode found = viewer.get("/api/nodes/" + node + "/logs?q=NEEDLE&from=" + (now - 60_000)).json().path("lines");
        assertEquals(1, found.size());
        assertEquals("line 7 <b>needle</b>", found.get(0).path("message").asText());

        // And the NDJSON export has every line as one event per line
        Response export = viewer.get("/api/nodes/" + node + "/logs/export?from=" + (now - 60_000));
        assertEquals(200, export.status());
        assertTrue(export.header("Content-Type").startsWith("application/x-ndjson"));
        String[] lines = export.body().split("\n");
        assertEquals(25, lines.length);
        assertEquals("log", RelayTestSupport.JSON.readTree(lines[0]).path("type").asText());
        assertEquals(List.of("agent", "journal"), sorted(viewer.get("/api/nodes/" + node + "/logs/sources?from=" + (now - 60_000))
                .json().path("sources")));
    }

    @Test
    void crossOriginAndNonJsonRequestsAreRefusedAndCorsIsClosed() {
        // When a page on another origin calls the API with the admin's cookie
        Response r = admin.send(HttpRequest.newBuilder(URI.create(admin.base + "/api/nodes")).header("Origin", "http://evil.example").GET());
        // Then it is refused and no CORS header invites it
        assertEquals(403, r.status());
        assertEquals("forbidden_origin", r.errorCode());
        assertNull(r.header("Access-Control-Allow-Origin"));
        // And a form post (what a cross-site form can send) is refused
        Response form = admin.send(HttpRequest.newBuilder(URI.create(admin.base + "/api/nodes/agents"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("name=x")));
        assertEquals(415, form.status());
        // And the same origin is fine
        assertEquals(200, admin.send(HttpRequest.newBuilder(URI.create(admin.base + "/api/nodes"))
                .header("Origin", admin.base).GET()).status());
    }

    @Test
    void servesTheDashboardAndOpsEndpoints() {
        Client anon = new Client(server);
        Response index = anon.get("/");
        assertEquals(200, index.status());
        assertTrue(index.body().contains("<title>DVIC</title>"));
        assertNotNull(index.header("Content-Security-Policy"));
        assertEquals(200, anon.get("/nodes/123").status(), "client-side routes get index.html");
        assertTrue(anon.get("/assets/app-1234.js").header("Content-Type").startsWith("text/javascript"));
        assertEquals(404, anon.get("/assets/missing.js").status());
        assertEquals(404, anon.get("/api/nope").status());
        Response unknown = anon.post("/api/nope", "{}");
        assertTrue(unknown.status() == 404 || unknown.status() == 405, unknown.toString());
        assertTrue(unknown.json().path("error").path("code").isTextual(), unknown.body());
        assertFalse(anon.get("/..%2F..%2Fetc%2Fpasswd").body().contains("root:"));
        Response health = anon.get("/health");
        assertEquals(200, health.status());
        assertTrue(health.body().contains("UP"), health.body());
        Response prometheus = anon.get("/prometheus");
        assertTrue(prometheus.body().contains("dvic_relay"), prometheus.status() + " " + prometheus.body());
    }

    @Test
    void apiGetsAreAnsweredByTheApiWhatEverTheyAccept() {
        // Given the relay serves the dashboard (dvic.relay.dashboard-dir, set in start) and its catch-all route
        // When the API is read with the Accept headers curl and fetch send (*/*) or none
        // Then the API answers, not the dashboard's catch-all (it answered 404 "no such endpoint" to */*)
        for (String accept : new String[]{"*/*", "application/json", "application/json, text/plain, */*"}) {
            Response me = admin.send(HttpRequest.newBuilder(URI.create(admin.base + "/api/auth/me")).header("Accept", accept).GET());
            assertEquals(200, me.status(), accept + ": " + me.body());
            assertEquals("admin", me.json().path("username").asText(), accept + ": " + me.body());
            Response nodes = admin.send(HttpRequest.newBuilder(URI.create(admin.base + "/api/nodes")).header("Accept", accept).GET());
            assertEquals(200, nodes.status(), accept + ": " + nodes.body());
            assertTrue(nodes.json().path("nodes").isArray(), nodes.body());
        }
        // And unknown API paths and the dashboard's files still answer as before
        Response unknown = admin.send(HttpRequest.newBuilder(URI.create(admin.base + "/api/nope")).header("Accept", "*/*").GET());
        assertEquals(404, unknown.status());
        assertEquals("not_found", unknown.json().path("error").path("code").asText());
        Response js = admin.send(HttpRequest.newBuilder(URI.create(admin.base + "/assets/app-1234.js")).header("Accept", "*/*").GET());
        assertTrue(js.header("Content-Type").startsWith("text/javascript"), js.toString());
        Response page = admin.send(HttpRequest.newBuilder(URI.create(admin.base + "/nodes/123"))
                .header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8").GET());
        assertTrue(page.body().contains("<title>DVIC</title>"), page.body());
    }

    private static void assertField(Response r, String field) {
        assertEquals(400, r.status(), r.body());
        assertEquals(field, r.json().path("error").path("field").asText(), r.body());
    }

    private static boolean contains(JsonNode nodes, UUID id) {
        for (JsonNode n : nodes) {
            if (n.path("nodeId").asText().equals(id.toString())) {
                return true;
            }
        }
        return false;
    }

    private static List<String> sorted(JsonNode array) {
        List<String> l = new ArrayList<>();
        array.forEach(x -> l.add(x.asText()));
        l.sort(null);
        return l;
    }

    private List<String> readAll(String topic) {
        return RelayTestSupport.readAll(stack, topic);
    }
}
