package org.dvic.relay;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.runtime.server.EmbeddedServer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.dvic.devstack.Ports;
import org.dvic.devstack.junit.DevStackExtension;
import org.dvic.devstack.junit.TestStack;
import org.dvic.protocol.event.Command;
import org.dvic.protocol.event.CommandEvent;
import org.dvic.protocol.event.Heartbeat;
import org.dvic.protocol.event.NodeEvent;
import org.dvic.protocol.identity.ConnectToken;
import org.dvic.protocol.identity.NodeKeys;
import org.dvic.protocol.topic.Topics;
import org.dvic.protocol.wire.AgentBatch;
import org.dvic.protocol.wire.ServerFrame;
import org.dvic.protocol.wire.WireCodec;
import org.dvic.relay.RelayTestSupport.Client;
import org.dvic.relay.RelayTestSupport.LiveSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.awaitility.Awaitility.await;
import static org.dvic.relay.RelayTestSupport.PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code exec echo hi} through the real ingest gateway: the relay (in this JVM) and the gateway (a
 * process of its own, started from {@code ingest-gateway/target} the way the local stack starts
 * it; services never share a JVM or a module) on real Kafka, and a simulated agent that speaks the
 * real wire protocol: a {@link ConnectToken} signed with the private key the relay's registration
 * returned, {@link AgentBatch} frames through {@link WireCodec}, commands received as server frames.
 * The node's ONLINE status, which the stream processors' liveness would derive, is published by
 * the test. A second test runs the real agent jar ({@code agent/target/dvic-agent-*-all.jar}, with
 * the config its registration returned) and reads the real shell's {@code hi}. Skipped when the
 * gateway or the agent is not packaged (e.g. {@code -pl command-relay -am}); the full reactor
 * packages both before this module's integration tests.
 */
@ExtendWith(DevStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayEndToEndIT {
    private static final Path GATEWAY = Path.of("..", "ingest-gateway", "target").toAbsolutePath().normalize();
    private static final Path AGENT = Path.of("..", "agent", "target").toAbsolutePath().normalize();
    private static final WireCodec WIRE = new WireCodec();

    private TestStack stack;
    private EmbeddedServer relay;
    private Client admin;
    private Client operator;
    private Process gateway;
    private int gatewayPort;
    private KafkaProducer<byte[], byte[]> producer;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void start(TestStack stack) throws Exception {
        Assumptions.assumeTrue(Files.exists(GATEWAY.resolve("service.classpath")) && Files.isDirectory(GATEWAY.resolve("classes")),
                "ingest-gateway is not packaged here (" + GATEWAY + ")");
        this.stack = stack;
        RelayTestSupport.prepareKeyspace(stack);
        relay = RelayTestSupport.start(stack, Map.of());
        admin = RelayTestSupport.adminAndUsers(relay);
        operator = new Client(relay).login("operator", PASSWORD);
        producer = RelayTestSupport.producer(stack);
        gatewayPort = Ports.free();
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", GATEWAY.resolve("classes") + ":" + Files.readString(GATEWAY.resolve("service.classpath")).trim(),
                "org.dvic.gateway.GatewayApplication");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(Path.of("target", "gateway-e2e.log").toFile());
        pb.environment().put("DVIC_KAFKA_BOOTSTRAP_SERVERS", stack.bootstrapServers());
        pb.environment().put("DVIC_TOPICS_NAMESPACE", stack.namespace());
        pb.environment().put("DVIC_GATEWAY_ID", "gw-relay-e2e");
        pb.environment().put("MICRONAUT_SERVER_PORT", String.valueOf(gatewayPort));
        gateway = pb.start();
        await().atMost(Duration.ofSeconds(90)).until(() -> {
            if (!gateway.isAlive()) {
                throw new IllegalStateException("the gateway exited: see target/gateway-e2e.log");
            }
            try {
                return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gatewayPort + "/health")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
    }

    @AfterAll
    void stop() throws InterruptedException {
        if (gateway != null) {
            gateway.destroy();
            if (!gateway.waitFor(30, TimeUnit.SECONDS)) {
                gateway.destroyForcibly();
            }
        }
        if (producer != null) {
            producer.close();
        }
        if (relay != null) {
            relay.close();
        }
    }

    @Test
    void execEchoHiThroughTheRealGatewayComesBackAsHi() throws Exception {
        // Given an agent node registered through the relay, and its simulated agent connected to the gateway
        JsonNode registered = admin.post("/api/nodes/agents", "{\"name\":\"e2e-pc\"}").json();
        UUID node = UUID.fromString(registered.path("node").path("nodeId").asText());
        PrivateKey key = NodeKeys.decodePrivate(registered.path("agentConfig").path("privateKey").asText());
        SimulatedAgent agent = await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> SimulatedAgent.connect("ws://127.0.0.1:" + gatewayPort + "/v1/agent", node, key), a -> a != null);
        RelayTestSupport.publish(producer, stack, Topics.NODE_STATUS, node.toString(), RelayTestSupport.online(node));
        await().atMost(Duration.ofSeconds(20)).until(() -> operator.get("/api/nodes/" + node).json().path("state").asText()
                .equals("ONLINE"));
        LiveSocket live = operator.live();
        live.send("{\"op\":\"subscribe\",\"id\":\"mine\",\"topic\":\"commands\"}");
        live.next("subscribed");

        // When the operator runs `echo hi` through the relay
        var issued = operator.post("/api/nodes/" + node + "/commands", "{\"command\":{\"type\":\"exec\",\"commandLine\":\"echo hi\"}}");
        assertEquals(202, issued.status(), issued.body());
        String commandId = issued.json().path("commandId").asText();

        // Then the gateway delivers it to the agent's socket, the agent answers like a real one
        Command.Exec exec = (Command.Exec) agent.nextCommand();
        assertEquals(commandId, exec.commandId().toString());
        assertEquals("echo hi", exec.commandLine());
        // (this agent's clock runs 2 s behind the gateway's: the audit must still end COMPLETED, not
        // stay at the gateway's later-stamped ACCEPTED)
        long now = System.currentTimeMillis() - 2_000;
        agent.send(List.of(
                new CommandEvent.Output(exec.commandId(), node, agent.nextSeq(), now, 0, CommandEvent.OutputStream.STDOUT, "hi\n"),
                new CommandEvent.Completed(exec.commandId(), node, agent.nextSeq(), now, 0, 3)));

        // And `hi` and the completion come back on the operator's socket
        StringBuilder output = new StringBuilder();
        boolean accepted = false;
        boolean completed = false;
        // (the gateway publishes "accepted" when its socket write completes, which may be after the
        // agent's answer: wait for both, in either order)
        while (!completed || !accepted) {
            JsonNode event = live.next("event").path("event");
            if (!commandId.equals(event.path("commandId").asText())) {
                continue; // a late event of the other test's command (same operator)
            }
            switch (event.path("type").asText()) {
                case "command-accepted" -> accepted = true;
                case "command-output" -> output.append(event.path("data").asText());
                case "command-completed" -> completed = true;
                default -> { }
            }
        }
        assertEquals("hi\n", output.toString());
        await().atMost(Duration.ofSeconds(20)).until(() -> operator.get("/api/commands/" + commandId).json()
                .path("command").path("status").asText().equals("COMPLETED"));
        live.close();
        agent.close();
    }

    @Test
    void execEchoHiOnTheRealAgentComesBackAsHi(@TempDir Path dir) throws Exception {
        Path agentJar;
        try (var files = Files.list(AGENT)) {
            agentJar = files.filter(f -> f.getFileName().toString().matches("dvic-agent-.*-all\\.jar")).findFirst().orElse(null);
        } catch (IOException e) {
            agentJar = null;
        }
        Assumptions.assumeTrue(agentJar != null, "the agent is not packaged here (" + AGENT + ")");
        // Given an agent node registered through the relay, and the real agent jar run with the
        // config the registration returned (its private key in a 0600 file)
        JsonNode registered = admin.post("/api/nodes/agents", "{\"name\":\"e2e-real-agent\"}").json();
        UUID node = UUID.fromString(registered.path("node").path("nodeId").asText());
        Path keyFile = dir.resolve("node.key");
        Files.writeString(keyFile, registered.path("agentConfig").path("privateKey").asText() + "\n");
        Files.setPosixFilePermissions(keyFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Files.createDirectories(dir.resolve("logs"));
        Files.writeString(dir.resolve("agent.conf"), String.join("\n", "gateway.url = ws://127.0.0.1:" + gatewayPort,
                "node.id = " + node, "node.key-file = " + keyFile, "state.dir = " + dir.resolve("state"),
                "demo-logs.dirs = " + dir.resolve("logs"), "journal.mode = off", "docker.mode = off",
                "update.install-dir = " + dir.resolve("install"),
                // refused as unknown if it connects before the gateway has read its registration: retry soon
                "connection.refused-backoff-ms = 1000", ""));
        Process agent = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
                "-jar", agentJar.toString(), "--config", dir.resolve("agent.conf").toString()).redirectErrorStream(true)
                .redirectOutput(Path.of("target", "agent-e2e.log").toFile()).start();
        try {
            // (liveness would derive ONLINE from its first events; here the test publishes it)
            await().atMost(Duration.ofSeconds(60)).until(() -> operator.get("/api/nodes/" + node).json()
                    .path("hostname").isTextual()); // its inventory went agent -> gateway -> Kafka -> relay
            RelayTestSupport.publish(producer, stack, Topics.NODE_STATUS, node.toString(), RelayTestSupport.online(node));
            await().atMost(Duration.ofSeconds(20)).until(() -> operator.get("/api/nodes/" + node).json().path("state")
                    .asText().equals("ONLINE"));
            LiveSocket live = operator.live();
            live.send("{\"op\":\"subscribe\",\"id\":\"mine\",\"topic\":\"commands\"}");
            live.next("subscribed");

            // When the operator runs `echo hi` through the relay
            var issued = operator.post("/api/nodes/" + node + "/commands",
                    "{\"command\":{\"type\":\"exec\",\"commandLine\":\"echo hi\"}}");
            assertEquals(202, issued.status(), issued.body());
            String commandId = issued.json().path("commandId").asText();

            // Then the real shell's `hi` and the exit code 0 come back on the operator's socket
            StringBuilder output = new StringBuilder();
            JsonNode done = null;
            while (done == null) {
                JsonNode event = live.next("event").path("event");
                if (!commandId.equals(event.path("commandId").asText())) {
                    continue; // a late event of the other test's command (same operator)
                }
                switch (event.path("type").asText()) {
                    case "command-output" -> output.append(event.path("data").asText());
                    case "command-completed", "command-failed" -> done = event;
                    default -> { }
                }
            }
            assertEquals("command-completed", done.path("type").asText(), done.toString());
            assertEquals(0, done.path("exitCode").asInt(-1));
            assertEquals("hi\n", output.toString());
            live.close();
        } finally {
            agent.destroy();
            if (!agent.waitFor(20, TimeUnit.SECONDS)) {
                agent.destroyForcibly();
            }
        }
    }

    /** The agent side of the wire protocol, just enough for a command round trip. */
    static final class SimulatedAgent implements WebSocket.Listener {
        private final java.util.concurrent.LinkedBlockingQueue<ServerFrame> frames = new java.util.concurrent.LinkedBlockingQueue<>();
        private final StringBuilder partial = new StringBuilder();
        private final AtomicLong seq = new AtomicLong(1);
        private WebSocket socket;

        static SimulatedAgent connect(String url, UUID node, PrivateKey key) {
            SimulatedAgent a = new SimulatedAgent();
            String token = ConnectToken.create(node, key, Instant.now(), new SecureRandom());
            a.socket = HttpClient.newHttpClient().newWebSocketBuilder().header("Authorization", "Bearer " + token)
                    .buildAsync(URI.create(url), a).join();
            // The gateway accepts the socket only once it has read the node from the registry: prove it with an ack.
            try {
                long s = a.nextSeq();
                a.send(List.of(new Heartbeat(node, s, System.currentTimeMillis(), 10_000)));
                ServerFrame f = a.frames.poll(3, TimeUnit.SECONDS);
                if (!(f instanceof ServerFrame.Ack ack) || ack.ack() != s) {
                    a.socket.abort();
                    throw new IllegalStateException("not acked: " + f);
                }
            } catch (Exception e) {
                a.socket.abort();
                throw new IllegalStateException(e);
            }
            return a;
        }

        long nextSeq() {
            return seq.getAndIncrement();
        }

        void send(List<NodeEvent> events) throws Exception {
            AgentBatch batch = new AgentBatch(events.get(events.size() - 1).seq(), new ArrayList<>(events));
            socket.sendText(new String(WIRE.encode(batch), StandardCharsets.UTF_8), true).get(10, TimeUnit.SECONDS);
        }

        Command nextCommand() throws InterruptedException {
            long deadline = System.currentTimeMillis() + 30_000;
            while (System.currentTimeMillis() < deadline) {
                ServerFrame f = frames.poll(250, TimeUnit.MILLISECONDS);
                if (f instanceof ServerFrame.CommandDelivery d) {
                    return d.command();
                }
            }
            throw new AssertionError("no command frame within 30 s");
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                frames.add(WIRE.decodeServerFrame(partial.toString().getBytes(StandardCharsets.UTF_8)));
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        void close() {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
    }
}
