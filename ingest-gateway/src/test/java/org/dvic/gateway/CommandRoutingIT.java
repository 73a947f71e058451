package org.dvic.gateway;

import io.micronaut.runtime.server.EmbeddedServer;
import org.dvic.devstack.junit.DevStackExtension;
import org.dvic.devstack.junit.TestStack;
import org.dvic.gateway.GatewayTestSupport.Agent;
import org.dvic.gateway.GatewayTestSupport.AgentClient;
import org.dvic.gateway.GatewayTestSupport.Board;
import org.dvic.gateway.command.FleetSessions;
import org.dvic.protocol.event.Command;
import org.dvic.protocol.event.CommandEvent;
import org.dvic.protocol.event.Event;
import org.dvic.protocol.topic.Topics;
import org.dvic.protocol.wire.BoardKeepaliveReply;
import org.dvic.protocol.wire.ServerFrame;
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
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Two gateway instances on one namespace: each command reaches the instance holding its node's socket, once. */
@ExtendWith(DevStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CommandRoutingIT {
    static final WireCodec WIRE = new WireCodec();
    TestStack stack;
    EmbeddedServer gatewayA;
    EmbeddedServer gatewayB;

    @BeforeAll
    void start(TestStack stack) {
        this.stack = stack;
        Map<String, Object> fast = Map.of("dvic.gateway.undeliverable-grace", "500ms");
        this.gatewayA = GatewayTestSupport.start(stack, "gw-a", fast);
        this.gatewayB = GatewayTestSupport.start(stack, "gw-b", fast);
    }

    @AfterAll
    void stop() {
        gatewayA.close();
        gatewayB.close();
    }

    static Command.Exec exec(UUID node, String line) {
        long now = System.currentTimeMillis();
        return new Command.Exec(UUID.randomUUID(), node, "alice", now, now + 60_000, line, 10_000);
    }

    void issue(Command command) {
        GatewayTestSupport.produce(stack, stack.topic(Topics.COMMANDS), command.nodeId().toString(),
                GatewayTestSupport.CODEC.encodeToString(command));
    }

    List<CommandEvent> eventsOf(Command command) {
        return GatewayTestSupport.eventsOf(stack, Topics.COMMAND_EVENTS, command.nodeId()).stream()
                .map(e -> (CommandEvent) e).filter(e -> e.commandId().equals(command.commandId())).toList();
    }

    @Test
    void eachCommandReachesTheInstanceHoldingItsNodeExactlyOnce() throws Exception {
        // Given node 1 connected to gateway A and node 2 to gateway B
        Agent one = GatewayTestSupport.registerAgent(stack, false);
        Agent two = GatewayTestSupport.registerAgent(stack, false);
        GatewayTestSupport.awaitKnown(one.nodeId(), gatewayA, gatewayB);
        GatewayTestSupport.awaitKnown(two.nodeId(), gatewayA, gatewayB);
        AgentClient onA = AgentClient.connect(gatewayA, one);
        AgentClient onB = AgentClient.connect(gatewayB, two);
        // (both instances must know about both sockets before deciding anything is undeliverable)
        // (read by each instance's session reader, not merely written to Kafka)
        await().atMost(Duration.ofSeconds(20)).until(() -> java.util.stream.Stream.of(gatewayA, gatewayB)
                .map(g -> g.getApplicationContext().getBean(FleetSessions.class))
                .allMatch(f -> f.connectedAnywhere(one.nodeId()) && f.connectedAnywhere(two.nodeId())));

        // When a command is issued to each node, several times over
        List<Command.Exec> toOne = List.of(exec(one.nodeId(), "uptime"), exec(one.nodeId(), "df -h"), exec(one.nodeId(), "id"));
        List<Command.Exec> toTwo = List.of(exec(two.nodeId(), "hostname"), exec(two.nodeId(), "w"));
        toOne.forEach(this::issue);
        toTwo.forEach(this::issue);

        // Then each socket receives exactly its node's commands, in order
        for (Command.Exec c : toOne) {
            assertEquals(c, delivered(onA));
        }
        for (Command.Exec c : toTwo) {
            assertEquals(c, delivered(onB));
        }
        Thread.sleep(1500); // (longer than the undeliverable grace: nothing else may arrive)
        assertNull(onA.frames.poll(0, TimeUnit.MILLISECONDS));
        assertNull(onB.frames.poll(0, TimeUnit.MILLISECONDS));

        // And each command has exactly one command event: accepted
        for (Command c : List.of(toOne.get(0), toOne.get(1), toOne.get(2), toTwo.get(0), toTwo.get(1))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> !eventsOf(c).isEmpty());
            List<CommandEvent> events = eventsOf(c);
            assertEquals(1, events.size(), events.toString());
            assertInstanceOf(CommandEvent.Accepted.class, events.get(0));
        }
    }

    @Test
    void aCommandForANodeConnectedNowhereIsUndeliverableOnce() throws Exception {
        // Given a registered node with no socket at either instance
        Agent offline = GatewayTestSupport.registerAgent(stack, false);
        GatewayTestSupport.awaitKnown(offline.nodeId(), gatewayA, gatewayB);
        Command.Exec command = exec(offline.nodeId(), "reboot");
        Command.Exec unknown = exec(UUID.randomUUID(), "uptime");

        // When commands are issued to it and to an unknown node
        issue(command);
        issue(unknown);

        // Then exactly one undeliverable event each
        await().atMost(Duration.ofSeconds(10)).until(() -> !eventsOf(command).isEmpty() && !eventsOf(unknown).isEmpty());
        Thread.sleep(1500);
        List<CommandEvent> events = eventsOf(command);
        assertEquals(1, events.size(), events.toString());
        assertEquals("node not connected", assertInstanceOf(CommandEvent.Undeliverable.class, events.get(0)).reason());
        assertEquals("unknown node", ((CommandEvent.Undeliverable) eventsOf(unknown).get(0)).reason());
        assertEquals(1, eventsOf(unknown).size());
    }

    @Test
    void aBoardGetsItsCommandsInTheKeepaliveReply() throws Exception {
        // Given a registered board
        Board board = GatewayTestSupport.registerBoard(stack);
        GatewayTestSupport.awaitKnown(board.nodeId(), gatewayA, gatewayB);
        Command.Exec command = exec(board.nodeId(), "blink");

        // When a command is issued to it and it sends keep-alives (to whichever instance queued it)
        issue(command);
        Thread.sleep(500);
        List<Command> received = new java.util.ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            for (EmbeddedServer s : List.of(gatewayA, gatewayB)) {
                received.addAll(keepalive(s, board).commands());
            }
            return !received.isEmpty();
        });

        // Then the board got it once and it is accepted once; the keep-alives are heartbeats and metrics
        assertEquals(List.of(command), received);
        await().until(() -> eventsOf(command).size() == 1);
        assertInstanceOf(CommandEvent.Accepted.class, eventsOf(command).get(0));
        List<Event> heartbeats = GatewayTestSupport.eventsOf(stack, Topics.HEARTBEATS, board.nodeId());
        List<Event> metrics = GatewayTestSupport.eventsOf(stack, Topics.METRICS, board.nodeId());
        assertEquals(heartbeats.size(), metrics.size());
        assertEquals(true, heartbeats.size() >= 2);
    }

    static BoardKeepaliveReply keepalive(EmbeddedServer server, Board board) throws Exception {
        var response = GatewayTestSupport.HTTP.send(HttpRequest.newBuilder(
                        GatewayTestSupport.httpUri(server, "/v1/devices/" + board.nodeId() + "/keepalive"))
                .header("Authorization", "Bearer " + board.token()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(BadInputIT.GOOD_BODY)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(202, response.statusCode(), response.body());
        return WIRE.decodeKeepaliveReply(response.body().getBytes(StandardCharsets.UTF_8));
    }

    static Command delivered(AgentClient client) {
        ServerFrame frame = WIRE.decodeServerFrame(client.next().getBytes(StandardCharsets.UTF_8));
        return assertInstanceOf(ServerFrame.CommandDelivery.class, frame).command();
    }
}
