package org.dvic.agent.connection;

import org.dvic.protocol.wire.AgentCodec;
import org.dvic.agent.spool.EventSink;
import org.dvic.agent.spool.Spool;
import org.dvic.agent.testing.TestGateway;
import org.dvic.protocol.event.Command;
import org.dvic.protocol.event.CommandEvent;
import org.dvic.protocol.event.Heartbeat;
import org.dvic.protocol.event.LogLevel;
import org.dvic.protocol.event.LogRecord;
import org.dvic.protocol.event.NodeEvent;
import org.dvic.protocol.identity.NodeKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.LongStream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The connection against {@link TestGateway}, a real WebSocket server standing in for our own
 * ingest-gateway (not for Kafka): acks, resends after drops and restarts, refused tokens, refused
 * batches, commands down.
 */
class GatewayConnectionIT {
    @TempDir
    Path dir;

    private final UUID node = UUID.randomUUID();
    private final KeyPair keys = NodeKeys.generate();
    private final List<AutoCloseable> open = new ArrayList<>();
    private final List<Command> commands = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private Spool spool;
    private EventSink sink;

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        timers.shutdownNow();
    }

    private TestGateway gateway(int port) throws InterruptedException {
        TestGateway g = new TestGateway(keys.getPublic()).start(port);
        open.add(g);
        return g;
    }

    private GatewayConnection connect(TestGateway g, java.security.PrivateKey key, long refusedBackoffMs)
            throws IOException {
        return connect(g, key, refusedBackoffMs, 20);
    }

    private GatewayConnection connect(TestGateway g, java.security.PrivateKey key, long refusedBackoffMs, long lingerMs)
            throws IOException {
        if (spool == null) {
            spool = new Spool(dir.resolve("spool"), 64 << 20, 1 << 20, EventSink.dropNotice(node, new AgentCodec()));
            sink = new EventSink(node, spool, new AgentCodec());
            open.add(spool);
        }
        GatewayConnection c = new GatewayConnection(new GatewayConnection.Settings(URI.create(g.url() + "/v1/agent"),
                node, key, Duration.ofSeconds(2), Duration.ofSeconds(3), 50, 500, refusedBackoffMs, 100, 64 * 1024, 4, lingerMs),
                spool, new AgentCodec(), commands::add, new GatewayConnection.Listener() { }, timers);
        c.start();
        open.add(c);
        return c;
    }

    private void heartbeats(int n) {
        for (int i = 0; i < n; i++) {
            sink.emit(seq -> new Heartbeat(node, seq, System.currentTimeMillis(), 1000));
        }
    }

    private static List<Long> range(long from, long toExclusive) {
        return LongStream.range(from, toExclusive).boxed().toList();
    }

    @Test
    void commandEventsDoNotWaitOutTheLinger() throws Exception {
        // Given a connected agent with a long linger (10 s) that has just sent a batch
        TestGateway g = gateway(0);
        GatewayConnection c = connect(g, keys.getPrivate(), 60_000, 10_000);
        sink.onUrgent(c::sendSoon);
        heartbeats(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> g.events().size() == 1);

        // When a command's output is spooled right after (an operator is watching it, or typing)
        sink.emit(seq -> new CommandEvent.Output(UUID.randomUUID(), node, seq, System.currentTimeMillis(), 0,
                CommandEvent.OutputStream.STDOUT, "hi\n"));

        // Then it reaches the gateway well before the linger would have let it go
        await().atMost(Duration.ofSeconds(5)).until(() -> g.events().size() == 2);
    }

    @Test
    void everyEventArrivesInOrderAndAcksEmptyTheSpool() throws Exception {
        // Given a gateway and a connected agent
        TestGateway g = gateway(0);
        connect(g, keys.getPrivate(), 60_000);

        // When 1000 events are spooled
        heartbeats(1000);

        // Then the gateway has seqs 0..999 in order, each once, and the spool is empty
        await().atMost(Duration.ofSeconds(10)).until(() -> spool.pending() == 0 && spool.acked() == 999);
        assertEquals(range(0, 1000), g.events().stream().map(NodeEvent::seq).toList());
    }

    @Test
    void unackedBatchesAreResentAfterTheSocketDrops() throws Exception {
        // Given a gateway that receives but does not ack
        TestGateway g = gateway(0);
        connect(g, keys.getPrivate(), 60_000);
        g.setAcking(false);
        heartbeats(300);
        await().atMost(Duration.ofSeconds(10)).until(() -> g.distinctSeqs().size() == 300);

        // When the socket drops and the gateway acks again
        g.setAcking(true);
        g.dropConnections();
        heartbeats(200);

        // Then everything is resent on the new socket, nothing is missing, and the spool empties
        await().atMost(Duration.ofSeconds(10)).until(() -> spool.pending() == 0);
        assertTrue(g.connects() >= 2, "reconnected");
        assertEquals(range(0, 500), g.distinctSeqs());
    }

    @Test
    void theAgentComesBackAfterAGatewayRestartAndResumes() throws Exception {
        // Given events acked by a gateway that then goes away
        TestGateway first = gateway(0);
        int port = first.port();
        connect(first, keys.getPrivate(), 60_000);
        heartbeats(100);
        await().atMost(Duration.ofSeconds(10)).until(() -> spool.acked() == 99);
        first.close();

        // When events keep coming while it is down, and it comes back on the same port
        heartbeats(100);
        TestGateway second = gateway(port);

        // Then the new gateway gets exactly what the old one did not ack
        await().atMost(Duration.ofSeconds(10)).until(() -> spool.pending() == 0);
        assertEquals(range(100, 200), second.distinctSeqs());
    }

    @Test
    void aRefusedTokenBacksOffForLong() throws Exception {
        // Given a gateway that knows another key for this node
        TestGateway g = gateway(0);
        KeyPair wrong = NodeKeys.generate();

        // When the agent connects with its (wrong) key
        connect(g, wrong.getPrivate(), 60_000);

        // Then it is refused once and does not hammer the gateway
        await().atMost(Duration.ofSeconds(5)).until(() -> g.refusedTokens() == 1);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(() -> g.refusedTokens() == 1);
    }

    @Test
    void aBatchRefusedForItsContentCostsOnlyTheEventAtFault() throws Exception {
        // Given a gateway that refuses any batch holding the event with seq 42
        TestGateway g = gateway(0);
        g.refuse(b -> b.events().stream().anyMatch(e -> e.seq() == 42), "schema-violation");
        connect(g, keys.getPrivate(), 60_000);

        // When 100 events are sent
        heartbeats(100);

        // Then every other event arrives and the loss of seq 42 is reported as an agent event
        await().atMost(Duration.ofSeconds(10)).until(() -> g.distinctSeqs().containsAll(range(43, 100)));
        List<Long> expected = new ArrayList<>(range(0, 100));
        expected.remove(Long.valueOf(42));
        assertEquals(expected, g.distinctSeqs().stream().filter(s -> s < 100).toList());
        await().atMost(Duration.ofSeconds(10)).until(() -> spool.pending() == 0);
    }

    @Test
    void aRateLimitedBatchIsResentLater() throws Exception {
        // Given a gateway that rate-limits the first batch holding seq 10, once
        TestGateway g = gateway(0);
        boolean[] once = {false};
        g.refuse(b -> {
            if (!once[0] && b.events().stream().anyMatch(e -> e.seq() == 10)) {
                once[0] = true;
                return true;
            }
            return false;
        }, "rate-limited");
        connect(g, keys.getPrivate(), 60_000);

        // When 50 events are sent
        heartbeats(50);

        // Then all arrive, seq 10 included
        await().atMost(Duration.ofSeconds(10)).until(() -> spool.pending() == 0);
        assertEquals(range(0, 50), g.distinctSeqs().stream().sorted().toList());
        assertTrue(g.distinctSeqs().contains(10L));
    }

    @Test
    void commandsComeDownToTheHandler() throws Exception {
        // Given a connected agent
        TestGateway g = gateway(0);
        connect(g, keys.getPrivate(), 60_000);
        await().atMost(Duration.ofSeconds(5)).until(() -> g.openSockets() == 1);

        // When the gateway delivers a command
        long now = System.currentTimeMillis();
        Command.Exec exec = new Command.Exec(UUID.randomUUID(), node, "alice", now, now + 60_000, "uptime", 5000);
        g.send(exec);

        // Then the agent's handler gets it
        await().atMost(Duration.ofSeconds(5)).until(() -> commands.contains(exec));
    }

    @Test
    void aLargeBacklogIsSentInBoundedBatches() throws Exception {
        // Given 5000 log events spooled while no gateway runs
        spool = new Spool(dir.resolve("spool"), 64 << 20, 1 << 20, EventSink.dropNotice(node, new AgentCodec()));
        sink = new EventSink(node, spool, new AgentCodec());
        open.add(spool);
        for (int i = 0; i < 5000; i++) {
            String msg = "backlog line " + i + " " + "x".repeat(200);
            sink.emit(seq -> new LogRecord(node, seq, 1L, "agent", LogLevel.INFO, msg, null, null, null));
        }

        // When the gateway appears
        TestGateway g = gateway(0);
        connect(g, keys.getPrivate(), 60_000);

        // Then all of it arrives in order
        await().atMost(Duration.ofSeconds(20)).until(() -> spool.pending() == 0);
        assertEquals(range(0, 5000), g.distinctSeqs());
    }

    @Test
    void aWriteBlockedOnAGatewayThatStoppedReadingIsAbortedAndTheAgentReconnects() throws Exception {
        // Given a connected agent whose batches may be 8 MB (bigger than what the sockets buffer)
        TestGateway g = gateway(0);
        spool = new Spool(dir.resolve("spool"), 256 << 20, 16 << 20, EventSink.dropNotice(node, new AgentCodec()));
        sink = new EventSink(node, spool, new AgentCodec());
        open.add(spool);
        GatewayConnection c = new GatewayConnection(new GatewayConnection.Settings(URI.create(g.url() + "/v1/agent"),
                node, keys.getPrivate(), Duration.ofSeconds(2), Duration.ofSeconds(2), 50, 500, 60_000, 1000,
                8 << 20, 4, 20), spool, new AgentCodec(), commands::add, new GatewayConnection.Listener() { }, timers);
        c.start();
        open.add(c);
        heartbeats(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> g.events().size() == 1);

        // When the gateway stops reading and 24 MB are spooled
        g.setReading(false);
        String big = "y".repeat(30_000);
        for (int i = 0; i < 800; i++) {
            sink.emit(seq -> new LogRecord(node, seq, 1L, "agent", LogLevel.INFO, big, null, null, null));
        }

        // Then the blocked write is aborted after the ack timeout and the agent connects again
        await().atMost(Duration.ofSeconds(15)).until(() -> c.sessions() >= 2);
        // and once the gateway reads again, everything arrives
        g.setReading(true);
        await().atMost(Duration.ofSeconds(30)).until(() -> spool.pending() == 0);
        assertEquals(range(0, 801), g.distinctSeqs());
    }
}
