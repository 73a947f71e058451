package org.dvic.gateway;

import io.micronaut.runtime.server.EmbeddedServer;
import org.dvic.devstack.junit.DevStackExtension;
import org.dvic.devstack.junit.TestStack;
import org.dvic.gateway.GatewayTestSupport.Agent;
import org.dvic.gateway.GatewayTestSupport.AgentClient;
import org.dvic.gateway.GatewayTestSupport.Board;
import org.dvic.protocol.event.Event;
import org.dvic.protocol.event.Rejected;
import org.dvic.protocol.topic.Topic;
import org.dvic.protocol.topic.Topics;
import org.dvic.protocol.wire.ServerFrame;
import org.dvic.protocol.wire.WireCodec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tries many distinct bad inputs, over the agent socket (one connection for all of them, which must
 * stay usable) and the board endpoint, and checks each outcome: the error code, nothing in the
 * data topics, and the refusal with its reason in dvic.rejected.
 */
@ExtendWith(DevStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadInputIT {
    static final WireCodec WIRE = new WireCodec();
    static final int MAX_FRAME = 256 * 1024;
    static final String NODE = "11111111-2222-4333-8444-555555555555"; // replaced per run
    static final String OTHER = "99999999-2222-4333-8444-555555555555";
    static final List<Topic<?, ?>> DATA = List.of(Topics.HEARTBEATS, Topics.METRICS, Topics.LOGS, Topics.PROCESSES,
            Topics.INVENTORY, Topics.COMMAND_EVENTS);

    TestStack stack;
    EmbeddedServer gateway;
    Agent agent;
    Board board;
    AgentClient client;
    final Set<String> expectedReasons = new java.util.HashSet<>();

    @BeforeAll
    void start(TestStack stack) {
        this.stack = stack;
        this.gateway = GatewayTestSupport.start(stack, "gw-bad", Map.of("dvic.gateway.max-frame-bytes", MAX_FRAME,
                "dvic.gateway.max-body-bytes", 2048, "dvic.gateway.events-per-second", 1000,
                "dvic.gateway.event-burst", 400, "dvic.gateway.rejected-per-second", 1000));
        this.agent = GatewayTestSupport.registerAgent(stack, false);
        this.board = GatewayTestSupport.registerBoard(stack);
        GatewayTestSupport.awaitKnown(agent.nodeId(), gateway);
        GatewayTestSupport.awaitKnown(board.nodeId(), gateway);
        this.client = AgentClient.connect(gateway, agent);
    }

    @AfterAll
    void stop() {
        gateway.close();
    }

    record WsCase(String name, String expectedCode, Object payload) {
        @Override
        public String toString() {
            return name;
        }
    }

    static String hb(long seq) {
        return "{\"type\":\"heartbeat\",\"v\":1,\"nodeId\":\"" + NODE + "\",\"seq\":" + seq + ",\"ts\":1795000000000,\"intervalMs\":5000}";
    }

    static String batchOf(long seq, String... events) {
        return "{\"v\":1,\"seq\":" + seq + ",\"events\":[" + String.join(",", events) + "]}";
    }

    static String one(String event, long seq) {
        return batchOf(seq, event);
    }

    static Stream<WsCase> socketCases() {
        String log = "{\"type\":\"log\",\"v\":1,\"nodeId\":\"" + NODE + "\",\"seq\":7,\"ts\":1795000000000,"
                + "\"source\":\"journal\",\"level\":\"INFO\",\"message\":\"%s\"}";
        String metric = "{\"type\":\"metric\",\"v\":1,\"nodeId\":\"" + NODE + "\",\"seq\":7,\"ts\":1795000000000,\"values\":%s}";
        List<String> many = new ArrayList<>();
        for (int i = 1; i <= 1001; i++) {
            many.add(hb(i));
        }
        List<String> tooFast = new ArrayList<>();
        for (int i = 1; i <= 500; i++) {
            tooFast.add(hb(i));
        }
        return Stream.of(
                new WsCase("not JSON at all", "invalid-json", "hello gateway"),
                new WsCase("truncated JSON", "invalid-json", "{\"v\":1,\"seq\":1,\"events\":["),
                new WsCase("a JSON array", "schema-violation", "[]"),
                new WsCase("a JSON string", "schema-violation", "\"batch\""),
                new WsCase("an empty frame", "invalid-json", ""),
                new WsCase("trailing content", "invalid-json", batchOf(1, hb(1)) + " {}"),
                new WsCase("a duplicate key", "invalid-json", "{\"v\":1,\"v\":1,\"seq\":1,\"events\":[" + hb(1) + "]}"),
                new WsCase("invalid UTF-8 bytes", "invalid-utf8", new byte[]{'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}'}),
                new WsCase("an overlong UTF-8 encoding", "invalid-utf8", new byte[]{'"', (byte) 0xC0, (byte) 0xAF, '"'}),
                new WsCase("a frame over the size limit", "frame-too-large", batchOf(7, String.format(log, "x".repeat(MAX_FRAME)))),
                new WsCase("an unsupported batch version", "unsupported-version", "{\"v\":2,\"seq\":1,\"events\":[" + hb(1) + "]}"),
                new WsCase("version as a string", "schema-violation", "{\"v\":\"1\",\"seq\":1,\"events\":[" + hb(1) + "]}"),
                new WsCase("no seq", "schema-violation", "{\"v\":1,\"events\":[" + hb(1) + "]}"),
                new WsCase("no events", "schema-violation", "{\"v\":1,\"seq\":1}"),
                new WsCase("an empty event list", "schema-violation", "{\"v\":1,\"seq\":1,\"events\":[]}"),
                new WsCase("events not a list", "schema-violation", "{\"v\":1,\"seq\":1,\"events\":{}}"),
                new WsCase("an unknown batch field", "schema-violation", "{\"v\":1,\"seq\":1,\"x\":0,\"events\":[" + hb(1) + "]}"),
                new WsCase("an unknown event type", "unknown-event-type", one(hb(1).replace("heartbeat", "teleport"), 1)),
                new WsCase("a server-side event type", "event-type-not-allowed",
                        one("{\"type\":\"session-opened\",\"v\":1,\"nodeId\":\"" + NODE + "\",\"sessionId\":\"" + NODE
                                + "\",\"ts\":1,\"remote\":\"x\"}", 1)),
                new WsCase("an event of an unsupported version", "unsupported-version", one(hb(1).replace("\"v\":1", "\"v\":9"), 1)),
                new WsCase("an event without a version", "schema-violation", one(hb(1).replace("\"v\":1,", ""), 1)),
                new WsCase("an event without nodeId", "schema-violation", one(hb(1).replace("\"nodeId\":\"" + NODE + "\",", ""), 1)),
                new WsCase("a nodeId that is not a UUID", "schema-violation", one(hb(1).replace(NODE, "node-7"), 1)),
                new WsCase("a negative event seq", "schema-violation", one(hb(-1), -1)),
                new WsCase("batch seq not the last event's", "schema-violation", batchOf(5, hb(1), hb(2))),
                new WsCase("event seqs not increasing", "schema-violation", batchOf(1, hb(2), hb(1))),
                new WsCase("a metric without readings", "schema-violation", one(String.format(metric, "{}"), 7)),
                new WsCase("an invalid metric name", "schema-violation", one(String.format(metric, "{\"CPU Total\":1.0}"), 7)),
                new WsCase("a metric value as a string", "schema-violation", one(String.format(metric, "{\"cpu.total_pct\":\"high\"}"), 7)),
                new WsCase("an unknown log level", "schema-violation", one(String.format(log, "hi").replace("INFO", "LOUD"), 7)),
                new WsCase("an invalid log source", "schema-violation", one(String.format(log, "hi").replace("journal", "nowhere"), 7)),
                new WsCase("a log message over the limit", "schema-violation", one(String.format(log, "y".repeat(40_000)), 7)),
                new WsCase("a zero heartbeat interval", "schema-violation", one(hb(1).replace("5000", "0"), 1)),
                new WsCase("a timestamp as a string", "schema-violation", one(hb(1).replace("1795000000000", "\"now\""), 1)),
                new WsCase("an unknown event field", "schema-violation", one(hb(1).replace("\"seq\"", "\"extra\":1,\"seq\""), 1)),
                new WsCase("a null event", "schema-violation", "{\"v\":1,\"seq\":1,\"events\":[null]}"),
                new WsCase("more than 1000 events", "schema-violation", batchOf(1001, many.toArray(String[]::new))),
                new WsCase("an event claiming another node", "node-mismatch", batchOf(2, hb(1), hb(2).replace(NODE, OTHER))),
                new WsCase("a too-fast sender", "rate-limited", batchOf(500, tooFast.toArray(String[]::new))),
                new WsCase("a connect token smuggled in a frame", "invalid-json", "dvic1.eyJub2RlSWQiOiJ4In0.c2lnbmF0dXJl secret")
        );
    }

    @ParameterizedTest(name = "[{index}] socket: {0}")
    @MethodSource("socketCases")
    @Order(1)
    void badFramesGetAnErrorFrameAndTheSocketStaysOpen(WsCase c) {
        // Given the open agent socket; When the bad frame is sent
        String node = agent.nodeId().toString();
        if (c.payload() instanceof String text) {
            client.send(text.replace(NODE, node));
        } else {
            client.sendBinary((byte[]) c.payload());
        }
        // Then the gateway answers with an error frame of the expected code, not an ack
        ServerFrame frame = WIRE.decodeServerFrame(client.next().getBytes(StandardCharsets.UTF_8));
        ServerFrame.ErrorFrame error = assertInstanceOf(ServerFrame.ErrorFrame.class, frame, c.name());
        assertEquals(c.expectedCode(), error.code(), c.name() + ": " + error.message());
        assertFalse(client.closeCode.isDone(), "socket still open after " + c.name());
        expectedReasons.add(c.expectedCode());
    }

    record HttpCase(String name, int status, String expectedCode, String path, String authorization, String contentType,
                    String body) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final String GOOD_BODY = "{\"boot\":1,\"seq\":1,\"uptimeMs\":1000,\"intervalMs\":5000,\"readings\":{\"temp_c\":21.5}}";

    Stream<HttpCase> httpCases() {
        String path = "/v1/devices/" + board.nodeId() + "/keepalive";
        String auth = "Bearer " + board.token();
        return Stream.of(
                new HttpCase("no credentials", 401, "missing-credentials", path, null, "application/json", GOOD_BODY),
                new HttpCase("basic instead of bearer", 401, "missing-credentials", path, "Basic dXNlcjpwdw==", "application/json", GOOD_BODY),
                new HttpCase("a wrong token", 401, "wrong-credentials", path, "Bearer not-the-token", "application/json", GOOD_BODY),
                new HttpCase("an unknown board", 401, "unknown-node", "/v1/devices/" + UUID.randomUUID() + "/keepalive", auth,
                        "application/json", GOOD_BODY),
                new HttpCase("an agent's id with a board token", 401, "wrong-credentials",
                        "/v1/devices/" + agent.nodeId() + "/keepalive", auth, "application/json", GOOD_BODY),
                new HttpCase("a device id that is not a UUID", 404, "invalid-node-id", "/v1/devices/esp-7/keepalive", auth,
                        "application/json", GOOD_BODY),
                new HttpCase("a text/plain body", 415, "unsupported-media-type", path, auth, "text/plain", GOOD_BODY),
                new HttpCase("a body over the limit", 413, "body-too-large", path, auth, "application/json",
                        GOOD_BODY.replace("}}", ",\"pad\":1}}") + " ".repeat(3000)),
                new HttpCase("invalid JSON", 400, "invalid-json", path, auth, "application/json", "{\"boot\":"),
                new HttpCase("no interval", 400, "schema-violation", path, auth, "application/json",
                        GOOD_BODY.replace("\"intervalMs\":5000,", "")),
                new HttpCase("a reading that is not a number", 400, "schema-violation", path, auth, "application/json",
                        GOOD_BODY.replace("21.5", "\"warm\"")),
                new HttpCase("a reading name that is not a metric name", 400, "schema-violation", path, auth,
                        "application/json", GOOD_BODY.replace("temp_c", "Temp C"))
        );
    }

    @ParameterizedTest(name = "[{index}] keep-alive: {0}")
    @MethodSource("httpCases")
    @Order(2)
    void badKeepalivesGetA4xxWithTheReason(HttpCase c) throws Exception {
        // Given a registered board; When the bad request is sent
        var request = HttpRequest.newBuilder(GatewayTestSupport.httpUri(gateway, c.path()))
                .POST(HttpRequest.BodyPublishers.ofString(c.body()));
        if (c.authorization() != null) {
            request.header("Authorization", c.authorization());
        }
        request.header("Content-Type", c.contentType());
        HttpResponse<String> response = GatewayTestSupport.HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        // Then the status and the error code say what was wrong
        assertEquals(c.status(), response.statusCode(), c.name() + ": " + response.body());
        ServerFrame.ErrorFrame error = (ServerFrame.ErrorFrame) WIRE.decodeServerFrame(response.body().getBytes(StandardCharsets.UTF_8));
        assertEquals(c.expectedCode(), error.code(), c.name());
        assertFalse(response.body().contains(board.token()), "the token is not echoed");
        expectedReasons.add(c.expectedCode());
    }

    @Test
    @Order(3)
    void afterAllThatTheSocketStillWorksNothingReachedTheDataTopicsAndEveryRefusalIsRecorded() {
        // Given everything above was refused; When a valid batch follows on the same socket
        client.send(batchOf(2000, hb(2000)).replace(NODE, agent.nodeId().toString()));
        // Then it is acked
        assertEquals("{\"ack\":2000}", client.next());
        // And the data topics hold only that heartbeat for this node and nothing for the board
        for (Topic<?, ?> t : DATA) {
            List<Event> events = GatewayTestSupport.eventsOf(stack, t, agent.nodeId());
            assertEquals(t == Topics.HEARTBEATS ? 1 : 0, events.size(), t.name());
            assertTrue(GatewayTestSupport.eventsOf(stack, t, board.nodeId()).isEmpty(), t.name());
            assertTrue(GatewayTestSupport.eventsOf(stack, t, UUID.fromString(OTHER)).isEmpty(), t.name());
        }
        // And dvic.rejected holds each reason, with redacted excerpts
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            List<Rejected> rejected = GatewayTestSupport.readAll(stack, Topics.REJECTED).stream()
                    .map(r -> (Rejected) GatewayTestSupport.CODEC.decode(r.value())).toList();
            Set<String> reasons = rejected.stream().map(Rejected::reason).collect(Collectors.toSet());
            assertTrue(reasons.containsAll(expectedReasons), "missing: " + expectedReasons.stream()
                    .filter(r -> !reasons.contains(r)).toList());
            assertTrue(rejected.stream().noneMatch(r -> r.excerpt().contains("dvic1.eyJ")
                    || r.excerpt().contains(board.token()) || r.detail().contains(board.token())), "no secrets kept");
            assertTrue(rejected.stream().allMatch(r -> r.excerpt().length() <= 1024));
        });
        assertTrue(expectedReasons.size() >= 15, "distinct reasons: " + expectedReasons);
    }
}
