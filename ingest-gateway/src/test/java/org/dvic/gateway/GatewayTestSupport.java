package org.dvic.gateway;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.dvic.devstack.junit.TestStack;
import org.dvic.gateway.command.CommandRouter;
import org.dvic.gateway.registry.NodeRegistry;
import org.dvic.protocol.event.Event;
import org.dvic.protocol.event.RegistryEntry;
import org.dvic.protocol.identity.BoardTokens;
import org.dvic.protocol.identity.ConnectToken;
import org.dvic.protocol.identity.NodeKeys;
import org.dvic.protocol.json.EventCodec;
import org.dvic.protocol.topic.Topic;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/** Starts gateways on a test's namespace, registers nodes with real keys, and speaks the agent protocol. */
public final class GatewayTestSupport {
    public static final EventCodec CODEC = new EventCodec();
    static final SecureRandom RANDOM = new SecureRandom();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    private GatewayTestSupport() {
    }

    public static EmbeddedServer start(TestStack stack, String id, Map<String, Object> extra) {
        Map<String, Object> props = new HashMap<>();
        props.put("dvic.kafka.bootstrap-servers", stack.bootstrapServers());
        props.put("dvic.topics.namespace", stack.namespace());
        props.put("dvic.gateway.id", id);
        props.put("micronaut.server.port", -1);
        props.put("micronaut.server.host", "127.0.0.1");
        props.putAll(extra);
        EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, props);
        await().atMost(Duration.ofSeconds(30)).until(() -> server.getApplicationContext().getBean(NodeRegistry.class).loaded()
                && server.getApplicationContext().getBean(CommandRouter.class).ready());
        return server;
    }

    public record Agent(UUID nodeId, KeyPair keys) {
        public String token() {
            return ConnectToken.create(nodeId, keys.getPrivate(), Instant.now(), RANDOM);
        }
    }

    public record Board(UUID nodeId, String token) {
    }

    public static Agent registerAgent(TestStack stack, boolean revoked) {
        Agent agent = new Agent(UUID.randomUUID(), NodeKeys.generate());
        publishRegistry(stack, new RegistryEntry(agent.nodeId(), RegistryEntry.NodeKind.AGENT, "pc-" + agent.nodeId(),
                NodeKeys.encodePublic(agent.keys().getPublic()), null, Map.of("room", "lab"), revoked, null,
                System.currentTimeMillis(), "test"));
        return agent;
    }

    public static Board registerBoard(TestStack stack) {
        Board board = new Board(UUID.randomUUID(), BoardTokens.generate(RANDOM));
        publishRegistry(stack, new RegistryEntry(board.nodeId(), RegistryEntry.NodeKind.BOARD, "esp-" + board.nodeId(),
                null, BoardTokens.sha256Hex(board.token()), Map.of(), false, null, System.currentTimeMillis(), "test"));
        return board;
    }

    public static void publishRegistry(TestStack stack, RegistryEntry entry) {
        produce(stack, stack.topic(org.dvic.protocol.topic.Topics.REGISTRY), entry.nodeId().toString(),
                CODEC.encodeToString(entry));
    }

    public static void produce(TestStack stack, String topic, String key, String value) {
        Map<String, Object> p = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits until every given gateway knows the node. */
    public static void awaitKnown(UUID nodeId, EmbeddedServer... servers) {
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            for (EmbeddedServer s : servers) {
                if (s.getApplicationContext().getBean(NodeRegistry.class).find(nodeId) == null) {
                    return false;
                }
            }
            return true;
        });
    }

    /** Every record of a topic at this moment, from every partition. */
    public static List<ConsumerRecord<String, String>> readAll(TestStack stack, Topic<?, ?> topic) {
        Map<String, Object> p = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(stack.topic(topic)).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic.name());
                }
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    /** The decoded events of a topic for one node. */
    public static List<Event> eventsOf(TestStack stack, Topic<?, ?> topic, UUID nodeId) {
        return readAll(stack, topic).stream().filter(r -> nodeId.toString().equals(r.key()))
                .map(r -> CODEC.decode(r.value())).toList();
    }

    public static URI wsUri(EmbeddedServer server) {
        return URI.create("ws://127.0.0.1:" + server.getPort() + "/v1/agent");
    }

    public static URI httpUri(EmbeddedServer server, String path) {
        return URI.create("http://127.0.0.1:" + server.getPort() + path);
    }

    /** An agent-side socket with the JDK's WebSocket: collects text frames and the close. */
    public static final class AgentClient implements WebSocket.Listener {
        public final LinkedBlockingQueue<String> frames = new LinkedBlockingQueue<>();
        public final CompletableFuture<int[]> closeCode = new CompletableFuture<>();
        public volatile String closeReason;
        private final StringBuilder partial = new StringBuilder();
        public WebSocket socket;

        public static AgentClient connect(EmbeddedServer server, String authorization) {
            AgentClient client = new AgentClient();
            var builder = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
            if (authorization != null) {
                builder.header("Authorization", authorization);
            }
            client.socket = builder.buildAsync(wsUri(server), client).join();
            return client;
        }

        public static AgentClient connect(EmbeddedServer server, Agent agent) {
            return connect(server, "Bearer " + agent.token());
        }

        public void send(String text) {
            socket.sendText(text, true).join();
        }

        public void sendBinary(byte[] bytes) {
            socket.sendBinary(java.nio.ByteBuffer.wrap(bytes), true).join();
        }

        /** The next frame from the gateway, waiting up to 15 s. */
        public String next() {
            try {
                String f = frames.poll(15, TimeUnit.SECONDS);
                if (f == null) {
                    throw new AssertionError("no frame from the gateway within 15 s");
                }
                return f;
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }

        public int awaitClose() {
            return closeCode.orTimeout(15, TimeUnit.SECONDS).join()[0];
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                frames.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeReason = reason;
            closeCode.complete(new int[]{statusCode});
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closeCode.complete(new int[]{-1});
        }
    }
}
