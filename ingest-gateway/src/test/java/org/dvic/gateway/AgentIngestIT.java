package org.dvic.gateway;

import io.micronaut.runtime.server.EmbeddedServer;
import org.dvic.devstack.junit.DevStackExtension;
import org.dvic.devstack.junit.TestStack;
import org.dvic.gateway.GatewayTestSupport.Agent;
import org.dvic.gateway.GatewayTestSupport.AgentClient;
import org.dvic.protocol.event.CommandEvent;
import org.dvic.protocol.event.Event;
import org.dvic.protocol.event.Heartbeat;
import org.dvic.protocol.event.LogLevel;
import org.dvic.protocol.event.LogRecord;
import org.dvic.protocol.event.MetricSample;
import org.dvic.protocol.event.NodeEvent;
import org.dvic.protocol.event.ProcessState;
import org.dvic.protocol.event.ProcessStatus;
import org.dvic.protocol.event.RegistryEntry;
import org.dvic.protocol.event.SessionClosed;
import org.dvic.protocol.event.SessionOpened;
import org.dvic.protocol.identity.ConnectToken;
import org.dvic.protocol.identity.NodeKeys;
import org.dvic.protocol.topic.Topics;
import org.dvic.protocol.wire.AgentBatch;
import org.dvic.protocol.wire.CloseCode;
import org.dvic.protocol.wire.WireCodec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CompletableFuture;

import static org.awaitility.Awaitility.await;
import static org.dvic.gateway.GatewayTestSupport.eventsOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(DevStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentIngestIT {
    static final WireCodec WIRE = new WireCodec();
    TestStack stack;
    EmbeddedServer gateway;

    @BeforeAll
    void start(TestStack stack) {
        this.stack = stack;
        this.gateway = GatewayTestSupport.start(stack, "gw-ingest", Map.of());
    }

    @AfterAll
    void stop() {
        gateway.close();
    }

    static String batch(long seq, NodeEvent... events) {
        return new String(WIRE.encode(new AgentBatch(seq, List.of(events))), StandardCharsets.UTF_8);
    }

    @Test
    void signedAgentSendsBatchesThatLandInTheirTopicsKeyedByNodeAndAreAcked() {
        // Given a registered agent with a real key pair
        Agent agent = GatewayTestSupport.registerAgent(stack, false);
        GatewayTestSupport.awaitKnown(agent.nodeId(), gateway);
        UUID node = agent.nodeId();
        long ts = System.currentTimeMillis();
        UUID command = UUID.randomUUID();

        // When it connects with a signed token and sends two batches, a text frame and a binary one
        // (the DVIC agent sends binary: the same UTF-8 JSON, straight from its spool)
        AgentClient client = AgentClient.connect(gateway, agent);
        client.send(batch(3, new Heartbeat(node, 1, ts, 5000),
                new MetricSample(node, 2, ts, Map.of("cpu.total_pct", 12.5)),
                new LogRecord(node, 3, ts, "journal", LogLevel.INFO, "hello", null, null, null)));
        client.sendBinary(batch(5, new ProcessState(node, 4, ts, "Q2hhbmdlTWUxMjM0NTY3", 42, 1, "demo", "/bin/demo",
                ProcessStatus.RUNNING, null, null), new CommandEvent.Completed(command, node, 5, ts, 0, 12))
                .getBytes(StandardCharsets.UTF_8));

        // Then both are acked in order (acks are cumulative: the second batch's ack may cover the
        // first when both complete together), and each event is in its topic with the node id as key
        String first = client.next();
        if (first.equals("{\"ack\":3}")) {
            assertEquals("{\"ack\":5}", client.next());
        } else {
            assertEquals("{\"ack\":5}", first);
        }
        assertEquals(List.of(1L), seqs(eventsOf(stack, Topics.HEARTBEATS, node)));
        assertEquals(List.of(2L), seqs(eventsOf(stack, Topics.METRICS, node)));
        assertEquals(List.of(3L), seqs(eventsOf(stack, Topics.LOGS, node)));
        assertEquals(List.of(4L), seqs(eventsOf(stack, Topics.PROCESSES, node)));
        assertEquals(List.of(5L), seqs(eventsOf(stack, Topics.COMMAND_EVENTS, node)));

        // And a clean close is recorded as such in dvic.sessions after the open
        client.socket.sendClose(1000, "bye").join();
        await().atMost(Duration.ofSeconds(10)).until(() -> eventsOf(stack, Topics.SESSIONS, node).size() == 2);
        List<Event> sessions = eventsOf(stack, Topics.SESSIONS, node);
        SessionOpened opened = assertInstanceOf(SessionOpened.class, sessions.get(0));
        SessionClosed closed = assertInstanceOf(SessionClosed.class, sessions.get(1));
        assertEquals(opened.sessionId(), closed.sessionId());
        assertEquals(SessionClosed.CloseReason.AGENT_CLOSED, closed.reason());
    }

    @Test
    void aDroppedConnectionIsRecordedAsLost() {
        // Given a connected agent
        Agent agent = GatewayTestSupport.registerAgent(stack, false);
        GatewayTestSupport.awaitKnown(agent.nodeId(), gateway);
        AgentClient client = AgentClient.connect(gateway, agent);
        await().until(() -> eventsOf(stack, Topics.SESSIONS, agent.nodeId()).size() == 1);

        // When the TCP connection goes away without a close frame
        client.socket.abort();

        // Then the session closes as lost
        await().atMost(Duration.ofSeconds(10)).until(() -> eventsOf(stack, Topics.SESSIONS, agent.nodeId()).size() == 2);
        SessionClosed closed = (SessionClosed) eventsOf(stack, Topics.SESSIONS, agent.nodeId()).get(1);
        assertEquals(SessionClosed.CloseReason.CONNECTION_LOST, closed.reason());
    }

    @Test
    void refusedTokensCloseTheSocketWithTheirCodeAndAreCounted() throws Exception {
        // Given a registered agent, a revoked one and an unregistered key pair
        Agent agent = GatewayTestSupport.registerAgent(stack, false);
        Agent revoked = GatewayTestSupport.registerAgent(stack, true);
        Agent stranger = new Agent(UUID.randomUUID(), NodeKeys.generate());
        GatewayTestSupport.awaitKnown(agent.nodeId(), gateway);
        GatewayTestSupport.awaitKnown(revoked.nodeId(), gateway);
        String forged = ConnectToken.create(agent.nodeId(), NodeKeys.generate().getPrivate(), Instant.now(),
                GatewayTestSupport.RANDOM);
        String skewed = ConnectToken.create(agent.nodeId(), agent.keys().getPrivate(),
                Instant.now().minusSeconds(120), GatewayTestSupport.RANDOM);
        String fresh = agent.token();

        // When each tries to connect, Then each is refused with its close code
        assertEquals(CloseCode.BAD_SIGNATURE.code(), AgentClient.connect(gateway, "Bearer " + forged).awaitClose());
        assertEquals(CloseCode.CLOCK_SKEW.code(), AgentClient.connect(gateway, "Bearer " + skewed).awaitClose());
        assertEquals(CloseCode.UNKNOWN_NODE.code(), AgentClient.connect(gateway, stranger).awaitClose());
        assertEquals(CloseCode.REVOKED.code(), AgentClient.connect(gateway, revoked).awaitClose());
        assertEquals(CloseCode.MALFORMED_TOKEN.code(), AgentClient.connect(gateway, "Bearer nonsense").awaitClose());
        assertEquals(CloseCode.MALFORMED_TOKEN.code(), AgentClient.connect(gateway, (String) null).awaitClose());
        // the same token twice: whichever socket the gateway checks second is refused (the two
        // handshakes may complete in either order), the other stays open
        AgentClient first = AgentClient.connect(gateway, "Bearer " + fresh);
        AgentClient second = AgentClient.connect(gateway, "Bearer " + fresh);
        CompletableFuture.anyOf(first.closeCode, second.closeCode).orTimeout(15, TimeUnit.SECONDS).join();
        AgentClient replay = second.closeCode.isDone() ? second : first;
        AgentClient kept = replay == second ? first : second;
        assertEquals(CloseCode.REPLAYED.code(), replay.awaitClose());
        assertEquals("replayed-nonce", replay.closeReason);
        Thread.sleep(200);
        assertFalse(kept.closeCode.isDone(), "the socket that used the token first stays open");

        // And the refusals are counted by reason in the Prometheus metrics
        var prometheus = GatewayTestSupport.HTTP.send(HttpRequest.newBuilder(
                GatewayTestSupport.httpUri(gateway, "/prometheus")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, prometheus.statusCode(), prometheus.headers() + prometheus.body());
        String metrics = prometheus.body();
        for (String reason : List.of("bad-signature", "clock-skew", "unknown-node", "revoked", "malformed-token",
                "missing-credentials", "replayed-nonce")) {
            assertTrue(metrics.lines().anyMatch(l -> l.startsWith("dvic_gateway_rejected_total{")
                    && l.contains("reason=\"" + reason + "\"") && !l.endsWith(" 0.0")),
                    reason + " counted in:\n" + metrics.lines().filter(l -> l.contains("rejected")).toList() + metrics.substring(0, Math.min(800, metrics.length())));
        }
    }

    @Test
    void revokingAConnectedNodeClosesItsSocketWithinASecondAndRegisteringTakesEffectWithoutRestart() {
        // Given an agent that is not registered yet
        Agent agent = new Agent(UUID.randomUUID(), NodeKeys.generate());
        assertEquals(CloseCode.UNKNOWN_NODE.code(), AgentClient.connect(gateway, agent).awaitClose());

        // When it is registered, Then it can connect
        RegistryEntry entry = new RegistryEntry(agent.nodeId(), RegistryEntry.NodeKind.AGENT, "late",
                NodeKeys.encodePublic(agent.keys().getPublic()), null, Map.of(), false, null, 1, "test");
        GatewayTestSupport.publishRegistry(stack, entry);
        GatewayTestSupport.awaitKnown(agent.nodeId(), gateway);
        AgentClient client = AgentClient.connect(gateway, agent);

        // When it is revoked, Then its socket closes as revoked, quickly
        GatewayTestSupport.publishRegistry(stack, new RegistryEntry(agent.nodeId(), RegistryEntry.NodeKind.AGENT,
                "late", entry.publicKey(), null, Map.of(), true, null, 2, "test"));
        assertEquals(CloseCode.REVOKED.code(), client.awaitClose());
        await().atMost(Duration.ofSeconds(10)).until(() -> eventsOf(stack, Topics.SESSIONS, agent.nodeId()).stream()
                .anyMatch(e -> e instanceof SessionClosed c && c.reason() == SessionClosed.CloseReason.REVOKED));
    }

    @Test
    void healthIsUpOnceTheRegistryIsLoaded() throws Exception {
        var response = GatewayTestSupport.HTTP.send(HttpRequest.newBuilder(
                GatewayTestSupport.httpUri(gateway, "/health")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertTrue(response.body().contains("\"UP\""), response.body());
    }

    static List<Long> seqs(List<Event> events) {
        return events.stream().map(e -> ((NodeEvent) e).seq()).toList();
    }
}
