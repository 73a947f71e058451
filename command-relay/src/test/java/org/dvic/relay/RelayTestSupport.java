package org.dvic.relay;

import com.datastax.oss.driver.api.core.CqlSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.dvic.devstack.junit.TestStack;
import org.dvic.protocol.event.Event;
import org.dvic.protocol.event.Inventory;
import org.dvic.protocol.event.NodeStatus;
import org.dvic.protocol.identity.BoardTokens;
import org.dvic.protocol.json.EventCodec;
import org.dvic.protocol.topic.Topic;
import org.dvic.relay.fleet.FleetFeed;
import org.dvic.store.CassandraStore;
import org.dvic.store.OperatorRepository;
import org.dvic.store.StoreSettings;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/** Starts relays on a test's namespace and keyspace, creates operators, and speaks REST and the live socket. */
public final class RelayTestSupport {
    public static final ObjectMapper JSON = new ObjectMapper();
    public static final EventCodec CODEC = new EventCodec();
    public static final String SECRET = "test-secret-0123456789-abcdefghijklmnop";
    public static final String SETUP_TOKEN = "setup-token-for-tests-0123456789";
    public static final String PASSWORD = "correct horse battery";
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private RelayTestSupport() {
    }

    /** Migrates the test keyspace and plants a known setup token, as a first relay start would with a printed one. */
    public static void prepareKeyspace(TestStack stack) {
        try (CqlSession session = CassandraStore.open(StoreSettings.local(stack.cassandraPort(), stack.keyspace()))) {
            new OperatorRepository(session, stack.keyspace()).createSetup(BoardTokens.sha256Hex(SETUP_TOKEN), 1L, "test");
        }
    }

    public static EmbeddedServer start(TestStack stack, Map<String, Object> extra) {
        Map<String, Object> props = new HashMap<>();
        props.put("dvic.kafka.bootstrap-servers", stack.bootstrapServers());
        props.put("dvic.topics.namespace", stack.namespace());
        props.put("dvic.cassandra.contact-points", "127.0.0.1:" + stack.cassandraPort());
        props.put("dvic.cassandra.keyspace", stack.keyspace());
        props.put("dvic.relay.auth.session-secret", SECRET);
        // Cheaper hashing keeps the suite quick; production defaults are checked in PasswordHasherTest.
        props.put("dvic.relay.auth.argon2-memory-kb", 1024);
        props.put("dvic.relay.auth.argon2-iterations", 1);
        try {
            Path keys = Files.createTempDirectory("relay-update-key");
            props.put("dvic.relay.update-signing-key-file", keys.resolve("update-signing.key").toString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        props.put("micronaut.server.port", -1);
        props.put("micronaut.server.host", "127.0.0.1");
        props.putAll(extra);
        EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, props);
        await().atMost(Duration.ofSeconds(60)).until(() -> server.getApplicationContext().getBean(FleetFeed.class).loaded());
        return server;
    }

    /** An HTTP session of one browser: base URL and its session cookie. */
    public static final class Client {
        final String base;
        String cookie;

        public Client(EmbeddedServer server) {
            this.base = "http://127.0.0.1:" + server.getPort();
        }

        public Response get(String path) {
            return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
        }

        public Response post(String path, String json) {
            return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json == null ? "" : json)));
        }

        public Response patch(String path, String json) {
            return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                    .method("PATCH", HttpRequest.BodyPublishers.ofString(json)));
        }

        public Response put(String path, String json) {
            return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString(json)));
        }

        public Response delete(String path) {
            return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE());
        }

        public Response send(HttpRequest.Builder builder) {
            if (cookie != null) {
                builder.header("Cookie", cookie);
            }
            try {
                HttpResponse<String> r = HTTP.send(builder.timeout(Duration.ofSeconds(30)).build(),
                        HttpResponse.BodyHandlers.ofString());
                r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("dvic_session=")).findFirst()
                        .ifPresent(c -> cookie = c.substring(0, c.indexOf(';')));
                return new Response(r.statusCode(), r.body(), r.headers().map());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        public Client login(String user, String password) {
            Response r = post("/api/auth/login", "{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}");
            if (r.status() != 200) {
                throw new AssertionError("login of " + user + " failed: " + r);
            }
            return this;
        }

        public String cookie() {
            return cookie;
        }

        public LiveSocket live() {
            return LiveSocket.open(base.replace("http://", "ws://") + "/api/live", cookie);
        }
    }

    public record Response(int status, String body, Map<String, List<String>> headers) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body);
            }
        }

        public String errorCode() {
            return json().path("error").path("code").asText();
        }

        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    /** Creates the first admin through the setup token and the other roles through the API; returns the admin. */
    public static Client adminAndUsers(EmbeddedServer server) {
        Client admin = new Client(server);
        Response setup = admin.post("/api/auth/setup", "{\"setupToken\":\"" + SETUP_TOKEN
                + "\",\"username\":\"admin\",\"password\":\"" + PASSWORD + "\"}");
        if (setup.status() != 201) {
            throw new AssertionError("setup failed: " + setup);
        }
        for (String role : List.of("viewer", "operator")) {
            Response r = admin.post("/api/operators", "{\"username\":\"" + role + "\",\"password\":\"" + PASSWORD
                    + "\",\"role\":\"" + role + "\"}");
            if (r.status() != 201) {
                throw new AssertionError("creating " + role + " failed: " + r);
            }
        }
        return admin;
    }

    /** A live socket with every received message queued; {@code reading=false} never reads (a slow client). */
    public static final class LiveSocket implements WebSocket.Listener {
        public final LinkedBlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
        public final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        private final boolean reading;
        WebSocket socket;

        LiveSocket(boolean reading) {
            this.reading = reading;
        }

        static LiveSocket open(String url, String cookie) {
            return open(url, cookie, true);
        }

        public static LiveSocket open(String url, String cookie, boolean reading) {
            LiveSocket l = new LiveSocket(reading);
            var builder = HTTP.newWebSocketBuilder();
            if (cookie != null) {
                builder.header("Cookie", cookie);
            }
            l.socket = builder.buildAsync(URI.create(url), l).join();
            return l;
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            if (reading) {
                webSocket.request(1);
            }
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    messages.add(JSON.readTree(partial.toString()));
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
                partial.setLength(0);
            }
            if (reading) {
                webSocket.request(1);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.completeExceptionally(error);
        }

        public void send(String json) {
            socket.sendText(json, true).join();
        }

        /** The next message of {@code kind} (others are skipped), within 30 s. */
        public JsonNode next(String kind) {
            long deadline = System.currentTimeMillis() + 30_000;
            while (System.currentTimeMillis() < deadline) {
                try {
                    JsonNode m = messages.poll(250, TimeUnit.MILLISECONDS);
                    if (m != null && m.path("kind").asText().equals(kind)) {
                        return m;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
            }
            throw new AssertionError("no '" + kind + "' message within 30 s");
        }

        public void close() {
            try {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                socket.abort();
            }
        }
    }

    /** A producer for test-side facts (node status, inventory) as the stream processors and gateway would write them. */
    public static KafkaProducer<byte[], byte[]> producer(TestStack stack) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return new KafkaProducer<>(p);
    }

    public static void publish(KafkaProducer<byte[], byte[]> producer, TestStack stack, Topic<?, ?> topic, String key,
                               Event event) {
        try {
            producer.send(new ProducerRecord<>(stack.topic(topic), key.getBytes(StandardCharsets.UTF_8),
                    CODEC.encode(event))).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static NodeStatus online(UUID node) {
        long now = System.currentTimeMillis();
        return new NodeStatus(node, NodeStatus.NodeState.ONLINE, now, NodeStatus.StatusReason.EVENT, now);
    }

    public static NodeStatus offline(UUID node) {
        long now = System.currentTimeMillis();
        return new NodeStatus(node, NodeStatus.NodeState.OFFLINE, now, NodeStatus.StatusReason.TIMEOUT, now);
    }

    public static Inventory inventory(UUID node, boolean exec, boolean terminal) {
        return new Inventory(node, 1, System.currentTimeMillis(), "host-" + node.toString().substring(0, 8), "Linux",
                "6.1", "cpu", 4, 8L << 30, List.of(), List.of(), "0.1.0", exec, terminal);
    }

    /** Every record value of a topic, from the beginning to its end at the time of the call. */
    public static List<String> readAll(TestStack stack, String topic) {
        java.util.Properties p = new java.util.Properties();
        p.put(org.apache.kafka.clients.consumer.ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        p.put(org.apache.kafka.clients.consumer.ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                org.apache.kafka.common.serialization.ByteArrayDeserializer.class);
        p.put(org.apache.kafka.clients.consumer.ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                org.apache.kafka.common.serialization.ByteArrayDeserializer.class);
        List<String> values = new java.util.ArrayList<>();
        try (var c = new org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]>(p)) {
            var parts = c.partitionsFor(topic).stream()
                    .map(i -> new org.apache.kafka.common.TopicPartition(topic, i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            var end = c.endOffsets(parts);
            long deadline = System.currentTimeMillis() + 10_000;
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.currentTimeMillis() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(r -> values.add(new String(r.value(),
                        java.nio.charset.StandardCharsets.UTF_8)));
            }
        }
        return values;
    }
}
