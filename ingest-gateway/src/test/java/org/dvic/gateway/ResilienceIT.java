package org.dvic.gateway;

import io.micronaut.runtime.server.EmbeddedServer;
import org.dvic.devstack.junit.DevStackExtension;
import org.dvic.devstack.junit.TestStack;
import org.dvic.gateway.GatewayTestSupport.Agent;
import org.dvic.gateway.GatewayTestSupport.AgentClient;
import org.dvic.gateway.ops.GatewayShutdown;
import org.dvic.protocol.event.Event;
import org.dvic.protocol.event.Heartbeat;
import org.dvic.protocol.event.MetricSample;
import org.dvic.protocol.event.NodeEvent;
import org.dvic.protocol.event.SessionClosed;
import org.dvic.protocol.topic.Topics;
import org.dvic.protocol.wire.AgentBatch;
import org.dvic.protocol.wire.CloseCode;
import org.dvic.protocol.wire.ServerFrame;
import org.dvic.protocol.wire.WireCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A broker restart in the middle of a stream, and a graceful stop with batches in flight. */
@ExtendWith(DevStackExtension.class)
class ResilienceIT {
    static final WireCodec WIRE = new WireCodec();

    static String batch(Agent agent, long seq) {
        long ts = System.currentTimeMillis();
        return new String(WIRE.encode(new AgentBatch(seq + 1, List.of(new Heartbeat(agent.nodeId(), seq, ts, 1000),
                new MetricSample(agent.nodeId(), seq + 1, ts, Map.of("cpu.total_pct", (double) (seq % 100)))))),
                StandardCharsets.UTF_8);
    }

    /** Reads ack frames in the background; remembers the highest. */
    static Thread ackReader(AgentClient client, AtomicLong acked) {
        Thread t = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    String f = client.frames.take();
                    ServerFrame frame = WIRE.decodeServerFrame(f.getBytes(StandardCharsets.UTF_8));
                    if (frame instanceof ServerFrame.Ack a) {
                        acked.accumulateAndGet(a.ack(), Math::max);
                    }
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Test
    void aBrokerRestartMidStreamLosesNoAcknowledgedEvent(TestStack stack) throws Exception {
        // Given an agent streaming batches through a gateway
        try (EmbeddedServer gateway = GatewayTestSupport.start(stack, "gw-restart", Map.of())) {
            Agent agent = GatewayTestSupport.registerAgent(stack, false);
            GatewayTestSupport.awaitKnown(agent.nodeId(), gateway);
            AgentClient client = AgentClient.connect(gateway, agent);
            AtomicLong acked = new AtomicLong(-1);
            Thread reader = ackReader(client, acked);
            long last = 0;
            for (long seq = 1; seq <= 199; seq += 2) {
                client.send(batch(agent, seq));
                last = seq + 1;
            }
            long lastBeforeOutage = last;
            await().atMost(Duration.ofSeconds(20)).until(() -> acked.get() == lastBeforeOutage);

            // When the broker stops while the agent keeps sending, and comes back
            stack.kafka().stop();
            Thread sender = new Thread(() -> {
                for (long seq = lastBeforeOutage + 1; seq <= lastBeforeOutage + 200; seq += 2) {
                    client.send(batch(agent, seq));
                }
            });
            sender.start();
            Thread.sleep(4000);
            long ackedDuringOutage = acked.get();
            stack.kafka().start(Duration.ofSeconds(120));
            sender.join(60_000);
            long finalSeq = lastBeforeOutage + 200;

            // Then nothing was acked while the broker was down, everything is acked after it came back
            assertEquals(lastBeforeOutage, ackedDuringOutage);
            await().atMost(Duration.ofSeconds(90)).until(() -> acked.get() == finalSeq);
            reader.interrupt();

            // And every acked event is in Kafka, exactly once
            List<Event> heartbeats = GatewayTestSupport.eventsOf(stack, Topics.HEARTBEATS, agent.nodeId());
            List<Event> metrics = GatewayTestSupport.eventsOf(stack, Topics.METRICS, agent.nodeId());
            Set<Long> seqs = new TreeSet<>();
            heartbeats.forEach(e -> seqs.add(((NodeEvent) e).seq()));
            metrics.forEach(e -> seqs.add(((NodeEvent) e).seq()));
            for (long s = 1; s <= finalSeq; s++) {
                assertTrue(seqs.contains(s), "acked event " + s + " is in Kafka");
            }
            assertEquals(finalSeq, heartbeats.size() + metrics.size(), "no duplicates");
        }
    }

    @Test
    void aGracefulStopAcksWhatWasReadAndClosesSocketsAsGoingAway(TestStack stack) throws Exception {
        // Given two connected agents, one with a batch just sent
        EmbeddedServer gateway = GatewayTestSupport.start(stack, "gw-stop", Map.of());
        Agent a = GatewayTestSupport.registerAgent(stack, false);
        Agent b = GatewayTestSupport.registerAgent(stack, false);
        GatewayTestSupport.awaitKnown(a.nodeId(), gateway);
        GatewayTestSupport.awaitKnown(b.nodeId(), gateway);
        AgentClient ca = AgentClient.connect(gateway, a);
        AgentClient cb = AgentClient.connect(gateway, b);
        ca.send(batch(a, 1));
        var meters = gateway.getApplicationContext().getBean(io.micrometer.core.instrument.MeterRegistry.class);
        await().until(() -> meters.counter("dvic.gateway.batches.in").count() >= 1);

        // When the gateway stops (what SIGTERM runs)
        gateway.getApplicationContext().getBean(GatewayShutdown.class).drain();
        gateway.close();

        // Then the batch was acked before the socket closed as going away
        assertEquals("{\"ack\":2}", ca.next());
        assertEquals(CloseCode.GOING_AWAY.code(), ca.awaitClose());
        assertEquals(CloseCode.GOING_AWAY.code(), cb.awaitClose());
        // And both sessions are recorded as closed by the gateway's shutdown
        for (Agent agent : List.of(a, b)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> GatewayTestSupport.eventsOf(stack, Topics.SESSIONS,
                    agent.nodeId()).stream().anyMatch(e -> e instanceof SessionClosed c
                    && c.reason() == SessionClosed.CloseReason.GATEWAY_SHUTDOWN));
        }
        assertEquals(1, GatewayTestSupport.eventsOf(stack, Topics.HEARTBEATS, a.nodeId()).size());
        assertEquals(1, GatewayTestSupport.eventsOf(stack, Topics.METRICS, a.nodeId()).size());
    }
}
