package org.dvic.agent;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.dvic.agent.testing.AgentFixture;
import org.dvic.agent.testing.DemoLogs;
import org.dvic.devstack.junit.DevStackExtension;
import org.dvic.devstack.junit.TestStack;
import org.dvic.gateway.registry.NodeRegistry;
import org.dvic.protocol.event.Event;
import org.dvic.protocol.event.LogRecord;
import org.dvic.protocol.event.NodeEvent;
import org.dvic.protocol.event.RegistryEntry;
import org.dvic.protocol.identity.NodeKeys;
import org.dvic.protocol.json.EventCodec;
import org.dvic.protocol.topic.Topic;
import org.dvic.protocol.topic.Topics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * End to end with the real parts: the agent, the real ingest-gateway (in this JVM, as its own tests
 * run it) and a real Kafka broker from the devstack. A demo logs while the gateway is stopped and
 * started again; every line reaches {@code dvic.logs} and the node's seqs in Kafka have no gap.
 */
@ExtendWith(DevStackExtension.class)
class AgentGatewayKafkaIT {
    private static final EventCodec CODEC = new EventCodec();
    private static final List<Topic<?, ?>> NODE_TOPICS = List.of(Topics.HEARTBEATS, Topics.METRICS, Topics.LOGS,
            Topics.PROCESSES, Topics.INVENTORY, Topics.COMMAND_EVENTS);

    private final TestStack stack;
    @TempDir
    Path dir;
    private EmbeddedServer gateway;
    private Agent agent;

    AgentGatewayKafkaIT(TestStack stack) {
        this.stack = stack;
    }

    @AfterEach
    void stop() {
        if (agent != null) {
            agent.close();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    private EmbeddedServer startGateway(int port, AgentFixture f) {
        Map<String, Object> props = new HashMap<>();
        props.put("dvic.kafka.bootstrap-servers", stack.bootstrapServers());
        props.put("dvic.topics.namespace", stack.namespace());
        props.put("dvic.gateway.id", "gw-agent-it");
        props.put("micronaut.server.port", port);
        props.put("micronaut.server.host", "127.0.0.1");
        EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, props);
        await().atMost(Duration.ofSeconds(30)).until(() ->
                server.getApplicationContext().getBean(NodeRegistry.class).find(f.node) != null);
        return server;
    }

    @Test
    void demoLinesReachKafkaInOrderAcrossAGatewayRestart() throws Exception {
        // Given a registered node, a gateway on a known port and an agent
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        AgentFixture f = new AgentFixture(dir, "ws://127.0.0.1:" + port);
        register(f);
        gateway = startGateway(port, f);
        agent = new Agent(f.config(), () -> { });
        agent.start();

        // And a demo that logs continuously
        String token = DemoLogs.newToken();
        Path log = f.logs.resolve("dvic_log_" + token);
        DemoLogs.append(log, DemoLogs.headerOfThisJvm(token));
        DemoLogs.Writer demo = DemoLogs.Writer.start(log, 10);
        await().atMost(Duration.ofSeconds(30)).until(() -> agent.spool().acked() > 100);

        // When the gateway stops while the demo goes on, and comes back on the same port
        gateway.close();
        gateway = null;
        int atStop = demo.written();
        await().atMost(Duration.ofSeconds(10)).until(() -> demo.written() > atStop + 200);
        gateway = startGateway(port, f);
        await().atMost(Duration.ofSeconds(30)).until(() -> agent.connection().sessions() >= 2);
        demo.stop();
        long last = agent.spool().lastSeq();
        await().atMost(Duration.ofSeconds(60)).until(() -> agent.spool().acked() >= last);

        // Then every line is in dvic.logs, in the order written, and the node's seqs have no gap up
        // to what the gateway had acked before we read (metrics and heartbeats go on meanwhile: a
        // later seq may land in one topic after we read another)
        long acked = agent.spool().acked();
        List<NodeEvent> events = new ArrayList<>();
        for (Topic<?, ?> t : NODE_TOPICS) {
            for (Event e : read(t, f)) {
                if (e instanceof NodeEvent n) {
                    events.add(n);
                }
            }
        }
        List<String> lines = read(Topics.LOGS, f).stream().filter(e -> e instanceof LogRecord r
                && r.source().equals("demo:" + token)).map(e -> ((LogRecord) e).message()).distinct().toList();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < demo.written(); i++) {
            expected.add("n" + i);
        }
        assertEquals(expected, lines);
        Set<Long> seqs = new HashSet<>();
        events.forEach(e -> seqs.add(e.seq()));
        for (long s = 0; s <= acked; s++) {
            if (!seqs.contains(s)) {
                long gap = s;
                // say what became of it: refused by the gateway (dvic.rejected), or never sent
                List<String> rejected = read(Topics.REJECTED, f).stream().map(Object::toString).toList();
                throw new AssertionError("seq " + gap + " missing in Kafka; the node's rejected inputs: " + rejected
                        + "; events around it: " + events.stream().filter(e -> Math.abs(e.seq() - gap) <= 3)
                        .map(e -> e.getClass().getSimpleName() + "#" + e.seq()).toList());
            }
        }
    }

    private void register(AgentFixture f) throws Exception {
        RegistryEntry entry = new RegistryEntry(f.node, RegistryEntry.NodeKind.AGENT, "pc-agent-it",
                NodeKeys.encodePublic(f.keys.getPublic()), null, Map.of("room", "lab"), false, null,
                System.currentTimeMillis(), "test");
        Map<String, Object> p = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(),
                new StringSerializer())) {
            producer.send(new ProducerRecord<>(stack.topic(Topics.REGISTRY), f.node.toString(),
                    CODEC.encodeToString(entry))).get(30, TimeUnit.SECONDS);
        }
    }

    /** The node's events on a topic, in partition order. */
    private List<Event> read(Topic<?, ?> topic, AgentFixture f) {
        Map<String, Object> p = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<Event> out = new ArrayList<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(stack.topic(topic)).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (f.node.toString().equals(r.key()) || topic == Topics.REJECTED) {
                        out.add(CODEC.decode(r.value()));
                    }
                });
            }
        }
        return out;
    }
}
