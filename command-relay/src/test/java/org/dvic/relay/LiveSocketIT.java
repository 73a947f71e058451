package org.dvic.relay;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.runtime.server.EmbeddedServer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.dvic.devstack.junit.DevStackExtension;
import org.dvic.devstack.junit.TestStack;
import org.dvic.protocol.event.LogLevel;
import org.dvic.protocol.event.LogRecord;
import org.dvic.protocol.event.MetricSample;
import org.dvic.protocol.topic.Topics;
import org.dvic.relay.RelayTestSupport.Client;
import org.dvic.relay.RelayTestSupport.LiveSocket;
import org.dvic.relay.live.LiveHub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.dvic.relay.RelayTestSupport.PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The live socket end to end on real Kafka and Cassandra: {@code exec echo hi} through the REST API
 * comes back as {@code hi} on the socket (via {@link AgentStandIn}, see there why not the real gateway
 * and agent), a terminal round trip, filtered log tails, fleet updates, and the slow-client rule.
 */
@ExtendWith(DevStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LiveSocketIT {
    private TestStack stack;
    private EmbeddedServer server;
    private Client admin;
    private Client operator;
    private KafkaProducer<byte[], byte[]> producer;
    private AgentStandIn agent;
    private UUID node;

    @BeforeAll
    void start(TestStack stack) {
        this.stack = stack;
        RelayTestSupport.prepareKeyspace(stack);
        server = RelayTestSupport.start(stack, Map.of("dvic.relay.live-client-buffer", 64));
        admin = RelayTestSupport.adminAndUsers(server);
        operator = new Client(server).login("operator", PASSWORD);
        producer = RelayTestSupport.producer(stack);
        agent = new AgentStandIn(stack);
        node = UUID.fromString(admin.post("/api/nodes/agents", "{\"name\":\"live-pc\"}").json().path("node")
                .path("nodeId").asText());
        RelayTestSupport.publish(producer, stack, Topics.INVENTORY, node.toString(), RelayTestSupport.inventory(node, true, true));
        RelayTestSupport.publish(producer, stack, Topics.NODE_STATUS, node.toString(), RelayTestSupport.online(node));
        await().atMost(Duration.ofSeconds(20)).until(() -> admin.get("/api/nodes/" + node).json().path("state").asText()
                .equals("ONLINE"));
    }

    @AfterAll
    void stop() {
        agent.close();
        producer.close();
        server.close();
    }

    @Test
    void execEchoHiComesBackAsHiOnTheSocketAndInTheAudit() {
        // Given an operator subscribed to the events of their commands
        LiveSocket live = operator.live();
        live.send("{\"op\":\"subscribe\",\"id\":\"mine\",\"topic\":\"commands\"}");
        live.next("subscribed");

        // When they run `echo hi` on the node through the API
        var issued = operator.post("/api/nodes/" + node + "/commands", "{\"command\":{\"type\":\"exec\",\"commandLine\":\"echo hi\"}}");
        assertEquals(202, issued.status(), issued.body());
        String commandId = issued.json().path("commandId").asText();

        // Then the output `hi` and the completion arrive on their socket
        StringBuilder output = new StringBuilder();
        JsonNode completed = null;
        while (completed == null) {
            JsonNode event = live.next("event").path("event");
            if (!commandId.equals(event.path("commandId").asText())) {
                continue; // a late event of this operator's command in another test (the terminal's)
            }
            if (event.path("type").asText().equals("command-output")) {
                output.append(event.path("data").asText());
            } else if (event.path("type").asText().equals("command-completed")) {
                completed = event;
            }
        }
        assertEquals("hi\n", output.toString());
        assertEquals(0, completed.path("exitCode").asInt());

        // And the audit records the outcome and the output
        await().atMost(Duration.ofSeconds(20)).until(() -> operator.get("/api/commands/" + commandId).json()
                .path("command").path("status").asText().equals("COMPLETED"));
        JsonNode stored = operator.get("/api/commands/" + commandId).json();
        assertEquals("operator", stored.path("command").path("issuedBy").asText());
        assertEquals("hi\n", stored.path("output").get(0).path("data").asText());
        live.close();
    }

    @Test
    void aTerminalOpensEchoesAndClosesWithTheAuditShowingWhoAndHowLong() {
        LiveSocket live = operator.live();
        // When the operator opens a terminal and types
        live.send("{\"op\":\"terminal-open\",\"id\":\"t1\",\"nodeId\":\"" + node + "\",\"cols\":80,\"rows\":24}");
        JsonNode opened = live.next("terminal-opened");
        String terminalId = opened.path("terminalId").asText();
        assertEquals("$ ", nextOutput(live).path("event").path("data").asText());
        live.send("{\"op\":\"terminal-input\",\"terminalId\":\"" + terminalId + "\",\"data\":\"ls\\r\"}");
        // Then the output comes back under the terminal's request id
        JsonNode echo = nextOutput(live);
        assertEquals("t1", echo.path("id").asText());
        assertEquals("ls\r", echo.path("event").path("data").asText());
        // When it is closed, Then the socket says so and the audit records it (never the keystrokes)
        live.send("{\"op\":\"terminal-close\",\"terminalId\":\"" + terminalId + "\"}");
        assertEquals(terminalId, live.next("terminal-closed").path("terminalId").asText());
        await().atMost(Duration.ofSeconds(20)).until(() -> operator.get("/api/commands/" + terminalId).json()
                .path("command").path("status").asText().equals("COMPLETED"));
        JsonNode audit = operator.get("/api/commands/" + terminalId).json().path("command");
        assertEquals("terminal-open", audit.path("kind").asText());
        assertEquals("operator", audit.path("issuedBy").asText());
        assertTrue(audit.path("durationMs").asLong() >= 0);
        assertTrue(!audit.toString().contains("ls\\r"));
        live.close();
    }

    private static JsonNode nextOutput(LiveSocket live) {
        while (true) {
            JsonNode m = live.next("event");
            if (m.path("event").path("type").asText().equals("command-output")) {
                return m;
            }
        }
    }

    @Test
    void logTailsAreFilteredAndFleetChangesArrive() {
        Client viewer = new Client(server).login("viewer", PASSWORD);
        LiveSocket live = viewer.live();
        live.send("{\"op\":\"subscribe\",\"id\":\"fleet\",\"topic\":\"fleet\"}");
        JsonNode snapshot = live.next("subscribed").path("snapshot");
        assertTrue(snapshot.isArray() && snapshot.size() >= 1);
        live.send("{\"op\":\"subscribe\",\"id\":\"warn\",\"topic\":\"logs\",\"nodeId\":\"" + node
                + "\",\"sources\":[\"journal\"],\"level\":\"WARN\"}");
        live.next("subscribed");
        live.send("{\"op\":\"subscribe\",\"id\":\"m\",\"topic\":\"metrics\",\"nodeId\":\"" + node + "\"}");
        live.next("subscribed");

        // When lines of several levels and sources, a metric and a status change are published
        long now = System.currentTimeMillis();
        RelayTestSupport.publish(producer, stack, Topics.LOGS, node.toString(),
                new LogRecord(node, 1, now, "journal", LogLevel.INFO, "quiet", null, null, null));
        RelayTestSupport.publish(producer, stack, Topics.LOGS, node.toString(),
                new LogRecord(node, 2, now, "agent", LogLevel.ERROR, "other source", null, null, null));
        RelayTestSupport.publish(producer, stack, Topics.LOGS, node.toString(),
                new LogRecord(node, 3, now, "journal", LogLevel.ERROR, "<script>alert(1)</script>", null, null, null));
        RelayTestSupport.publish(producer, stack, Topics.METRICS, node.toString(),
                new MetricSample(node, 4, now, Map.of("mem.used_pct", 50.0)));
        RelayTestSupport.publish(producer, stack, Topics.NODE_STATUS, node.toString(), RelayTestSupport.online(node));

        // Then only the matching line arrives on the log subscription, verbatim
        boolean sawLog = false;
        boolean sawMetric = false;
        boolean sawStatus = false;
        while (!(sawLog && sawMetric && sawStatus)) {
            JsonNode m = live.next("event");
            switch (m.path("id").asText()) {
                case "warn" -> {
                    assertEquals("<script>alert(1)</script>", m.path("event").path("message").asText());
                    sawLog = true;
                }
                case "m" -> sawMetric = m.path("event").path("values").path("mem.used_pct").asDouble() == 50.0;
                case "fleet" -> sawStatus |= m.path("event").path("type").asText().equals("node-status");
                default -> throw new AssertionError("unexpected " + m);
            }
        }
        live.close();
    }

    @Test
    void aSlowClientIsDisconnectedWithoutSlowingTheOthers() throws Exception {
        // Given a client that reads and one that never reads, both on the same log tail
        LiveSocket fast = operator.live();
        fast.send("{\"op\":\"subscribe\",\"id\":\"logs\",\"topic\":\"logs\",\"nodeId\":\"" + node + "\"}");
        fast.next("subscribed");
        LiveSocket slow = LiveSocket.open("ws://127.0.0.1:" + server.getPort() + "/api/live", operator.cookie(), false);
        slow.send("{\"op\":\"subscribe\",\"id\":\"logs\",\"topic\":\"logs\",\"nodeId\":\"" + node + "\"}");
        LiveHub hub = server.getApplicationContext().getBean(LiveHub.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> hub.logSubscribers(node) == 2);
        long slowBefore = hub.slowDisconnects();
        int clientsBefore = hub.clientCount();

        // When far more is published than the slow client's buffer (64 messages) and socket buffers hold
        String big = "x".repeat(30_000);
        int lines = 1000;
        long now = System.currentTimeMillis();
        for (int i = 0; i < lines; i++) {
            if (i % 5 == 0) {
                producer.flush();
                // a steady stream (~7 MB/s), not one burst: the reading client keeps up even on a busy
                // CI machine, while the one that never reads overflows its 64 messages within a second
                Thread.sleep(20);
            }
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(stack.topic(Topics.LOGS),
                    node.toString().getBytes(), RelayTestSupport.CODEC.encode(new LogRecord(node, 1000 + i, now,
                    "journal", LogLevel.INFO, i + " " + big, null, null, null))));
        }
        producer.flush();

        // Then the slow client is closed as too slow
        await().atMost(Duration.ofSeconds(60)).until(() -> hub.slowDisconnects() > slowBefore);
        assertTrue(hub.clientCount() < clientsBefore);
        // And the fast client received every line
        int received = 0;
        while (received < lines) {
            JsonNode m = fast.messages.poll(30, TimeUnit.SECONDS);
            if (m == null) {
                throw new AssertionError("fast client got only " + received + " of " + lines);
            }
            if (m.path("kind").asText().equals("event")) {
                received++;
            }
        }
        assertEquals(lines, received);
        fast.close();
    }
}
