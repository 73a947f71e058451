package org.dvic.bench.relay;

import com.datastax.oss.driver.api.core.CqlSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.dvic.bench.BaselineBenchmark;
import org.dvic.bench.BenchContext;
import org.dvic.bench.BenchResult;
import org.dvic.bench.Benchmark;
import org.dvic.bench.ServiceProcess;
import org.dvic.bench.Stats;
import org.dvic.devstack.Ports;
import org.dvic.devstack.TopicCatalogue;
import org.dvic.protocol.event.Command;
import org.dvic.protocol.event.CommandEvent;
import org.dvic.protocol.event.Event;
import org.dvic.protocol.event.MetricSample;
import org.dvic.protocol.event.NodeStatus;
import org.dvic.protocol.identity.BoardTokens;
import org.dvic.protocol.json.EventCodec;
import org.dvic.protocol.topic.Topics;
import org.dvic.store.CassandraStore;
import org.dvic.store.OperatorRepository;
import org.dvic.store.StoreSettings;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code bench relay}: what the command relay exists for. The relay runs as its own process
 * (-Xmx512m) on engines of the bench's own.
 * <ol>
 * <li>Command round trip: {@code POST exec true} through the REST API until {@code command-completed}
 * arrives on the operator's live socket, one command at a time. The node side is a stand-in that
 * answers {@code dvic.commands} on {@code dvic.command-events} at once (accepted, completed), so
 * the figure is the relay's path plus Kafka, without the gateway's socket hop and the agent's
 * process start.</li>
 * <li>Fan-out: 200 live sockets, each subscribed to the fleet and to the metrics of 5 nodes (1,000
 * nodes in all), while 1,000 nodes publish a metric sample a second and 10 nodes a second change
 * status; the delay from the record's Kafka timestamp to the client's receipt.</li>
 * </ol>
 */
public final class RelayBenchmark implements Benchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final EventCodec CODEC = new EventCodec();
    private static final String PASSWORD = "bench password 0123";

    @Override
    public String name() {
        return "relay";
    }

    @Override
    public BenchResult run(BenchContext context) throws Exception {
        boolean quick = context.quick();
        BenchResult baseline = BaselineBenchmark.measure(context);
        String bootstrap = context.engines().kafka().bootstrapServers();
        String namespace = "bench-relay";
        String keyspace = "bench_relay";
        TopicCatalogue.create(bootstrap, namespace, (short) 1);
        String setupToken = BoardTokens.generate(new SecureRandom());
        try (CqlSession session = CassandraStore.open(StoreSettings.local(context.engines().cassandra().nativePort(), keyspace))) {
            new OperatorRepository(session, keyspace).createSetup(BoardTokens.sha256Hex(setupToken), System.currentTimeMillis(), "bench");
        }
        Map<String, String> env = new LinkedHashMap<>();
        env.put("DVIC_KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        env.put("DVIC_TOPICS_NAMESPACE", namespace);
        env.put("DVIC_CASSANDRA_CONTACT_POINTS", context.engines().cassandra().contactPoint());
        env.put("DVIC_CASSANDRA_KEYSPACE", keyspace);
        env.put("DVIC_RELAY_AUTH_SESSION_SECRET", BoardTokens.generate(new SecureRandom()));
        env.put("DVIC_RELAY_LIVE_CLIENT_BUFFER", "4096");
        int port = Ports.free();
        Path root = Path.of("").toAbsolutePath();
        BenchResult result = new BenchResult().putAll(baseline);
        try (ServiceProcess relay = ServiceProcess.start(root, "command-relay", "org.dvic.relay.RelayApplication", env,
                port, context.workDir().resolve("relay.log"), Duration.ofSeconds(120));
             KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
            HttpClient http = HttpClient.newHttpClient();
            String cookie = setup(http, relay, setupToken);

            // Phase 1: command round trip
            UUID node = registerAgent(http, relay, cookie, "bench-node");
            publish(producer, Topics.NODE_STATUS.nameIn(namespace), node, online(node));
            awaitOnline(http, relay, cookie, node);
            // the HTTP floor: an authenticated GET with no storage behind it, on the same client
            List<Double> floor = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                long g0 = System.nanoTime();
                http.send(HttpRequest.newBuilder(URI.create(relay.base() + "/api/auth/me")).header("Cookie", cookie).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (i >= 10) {
                    floor.add((System.nanoTime() - g0) / 1e6);
                }
            }
            result.put("http_get_p50_ms", Stats.round(Stats.median(floor), 1));
            System.out.printf("[bench] authenticated GET /api/auth/me: p50 %.1f ms%n", Stats.median(floor));
            int commands = context.size(150, 500);
            List<Double> rtt;
            List<Double> post = new ArrayList<>();
            try (NodeStandIn standIn = new NodeStandIn(bootstrap, namespace)) {
                rtt = roundTrips(http, relay, cookie, node, commands, post);
            }
            double post50 = Stats.round(Stats.median(post), 1);
            result.put("command_post_p50_ms", post50);
            double[] r = rtt.stream().mapToDouble(Double::doubleValue).toArray();
            double p50 = Stats.round(Stats.percentile(r.clone(), 50), 1);
            double p99 = Stats.round(Stats.percentile(r.clone(), 99), 1);
            System.out.printf("[bench] command round trip over %d commands: p50 %.1f ms, p99 %.1f ms (of which the POST"
                    + " until Kafka acked: p50 %.1f ms)%n", commands, p50, p99, post50);
            result.put("commands", commands).put("command_rtt_p50_ms", p50).put("command_rtt_p99_ms", p99);

            // Phase 2: fan-out
            int clients = 200;
            int nodes = 1000;
            int seconds = context.size(20, 60);
            List<UUID> fleet = new ArrayList<>();
            for (int i = 0; i < nodes; i++) {
                UUID id = UUID.randomUUID();
                fleet.add(id);
                publish(producer, Topics.NODE_STATUS.nameIn(namespace), id, online(id));
            }
            producer.flush();
            Fanout fanout = new Fanout();
            List<WebSocket> sockets = new ArrayList<>();
            // browsers are separate processes: spread the sockets over a few clients (one selector
            // thread each) so one reader thread for all 200 is not what gets measured
            HttpClient[] browsers = new HttpClient[4];
            for (int b = 0; b < browsers.length; b++) {
                browsers[b] = HttpClient.newHttpClient();
            }
            for (int c = 0; c < clients; c++) {
                WebSocket ws = browsers[c % browsers.length].newWebSocketBuilder().header("Cookie", cookie)
                        .buildAsync(URI.create(relay.ws("/api/live")), fanout.listener()).join();
                ws.sendText("{\"op\":\"subscribe\",\"id\":\"fleet\",\"topic\":\"fleet\"}", true).join();
                for (int k = 0; k < 5; k++) {
                    UUID n = fleet.get(c * 5 + k);
                    ws.sendText("{\"op\":\"subscribe\",\"id\":\"m" + k + "\",\"topic\":\"metrics\",\"nodeId\":\"" + n + "\"}", true).join();
                }
                sockets.add(ws);
            }
            Thread.sleep(2000);
            System.out.printf("[bench] fan-out: %d clients, %d nodes at 1 Hz, %d s%n", clients, nodes, seconds);
            fanout.measuring = true;
            long start = System.currentTimeMillis();
            long seq = 1;
            for (int s = 0; s < seconds; s++) {
                long tick = start + s * 1000L;
                for (int i = 0; i < nodes; i++) {
                    // spread over the second, as independent agents would
                    long due = tick + (i * 1000L) / nodes;
                    long wait = due - System.currentTimeMillis();
                    if (wait > 0) {
                        Thread.sleep(wait);
                    }
                    UUID n = fleet.get(i);
                    long now = System.currentTimeMillis();
                    publish(producer, Topics.METRICS.nameIn(namespace), n,
                            new MetricSample(n, seq++, now, Map.of("cpu.total_pct", 10.0, "mem.used_pct", 40.0)));
                    if (i % 100 == 0) {
                        NodeStatus st = new NodeStatus(n, (s % 2 == 0) ? NodeStatus.NodeState.OFFLINE : NodeStatus.NodeState.ONLINE,
                                now, (s % 2 == 0) ? NodeStatus.StatusReason.TIMEOUT : NodeStatus.StatusReason.EVENT, now);
                        publish(producer, Topics.NODE_STATUS.nameIn(namespace), n, st);
                    }
                }
            }
            producer.flush();
            Thread.sleep(2000);
            fanout.measuring = false;
            sockets.forEach(ws -> ws.sendClose(WebSocket.NORMAL_CLOSURE, "done"));
            double[] delays = fanout.delays();
            double f50 = Stats.round(Stats.percentile(delays.clone(), 50), 1);
            double f99 = Stats.round(Stats.percentile(delays.clone(), 99), 1);
            long expected = (long) seconds * (nodes + (long) (nodes / 100) * clients);
            System.out.printf("[bench] fan-out: %d messages received (expected %d): delay p50 %.1f ms, p99 %.1f ms; %d closed%n",
                    delays.length, expected, f50, f99, fanout.closed.get());
            double[] status;
            synchronized (fanout.statusDelays) {
                status = fanout.statusDelays.stream().mapToDouble(Double::doubleValue).toArray();
            }
            if (status.length > 0) {
                double s50 = Stats.round(Stats.percentile(status.clone(), 50), 1);
                double s99 = Stats.round(Stats.percentile(status.clone(), 99), 1);
                System.out.printf("[bench] fan-out: of which %d status changes (each to every client): p50 %.1f ms, p99 %.1f ms%n",
                        status.length, s50, s99);
                result.put("fanout_status_p50_ms", s50).put("fanout_status_p99_ms", s99);
            }
            // the relay's own share: Kafka append -> handed to the sockets (its dvic.relay.feed.append.to.fanout timer)
            HttpResponse<String> prom = http.send(HttpRequest.newBuilder(URI.create(relay.base() + "/prometheus"))
                    .header("Cookie", cookie).build(), HttpResponse.BodyHandlers.ofString());
            java.util.regex.Matcher q99 = java.util.regex.Pattern.compile(
                    "dvic_relay_feed_append_to_fanout_seconds\\{[^}]*quantile=\"0\\.99\"[^}]*} ([0-9.eE+-]+)").matcher(prom.body());
            if (prom.statusCode() == 200 && q99.find()) {
                double relayP99 = Stats.round(Double.parseDouble(q99.group(1)) * 1000, 1);
                System.out.printf("[bench] fan-out: relay's own share (Kafka append -> handed to sockets): p99 %.1f ms%n", relayP99);
                result.put("fanout_relay_append_to_handoff_p99_ms", relayP99);
            } else {
                System.out.printf("[bench] fan-out: relay timer not found (/prometheus %d)%n", prom.statusCode());
            }
            result.put("fanout_clients", clients).put("fanout_nodes", nodes).put("fanout_seconds", seconds)
                    .put("fanout_messages", delays.length).put("fanout_messages_expected", expected)
                    .put("fanout_p50_ms", f50).put("fanout_p99_ms", f99).put("fanout_clients_closed", fanout.closed.get());
            result.summary(String.format("relay: command RTT p50 %.1f ms / p99 %.1f ms (target 50 / 150); fan-out to %d clients p99 %.1f ms (target 200)",
                    p50, p99, clients, f99));
        }
        return result;
    }

    /** Records, for every metric and status event a client receives, now minus the event's own time. */
    private static final class Fanout {
        volatile boolean measuring;
        final AtomicLong closed = new AtomicLong();
        private final List<Double> delays = Collections.synchronizedList(new ArrayList<>());
        /** The status changes alone: each one goes to every client at once. */
        final List<Double> statusDelays = Collections.synchronizedList(new ArrayList<>());

        WebSocket.Listener listener() {
            return new WebSocket.Listener() {
                private final StringBuilder partial = new StringBuilder();

                @Override
                public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                    partial.append(data);
                    if (last) {
                        String text = partial.toString();
                        partial.setLength(0);
                        if (measuring && text.startsWith("{\"kind\":\"event\"")) {
                            long now = System.currentTimeMillis();
                            try {
                                JsonNode e = JSON.readTree(text).path("event");
                                long ts = e.has("ts") ? e.path("ts").asLong() : e.path("since").asLong();
                                delays.add((double) (now - ts));
                                if (e.path("type").asText().equals("node-status")) {
                                    statusDelays.add((double) (now - ts));
                                }
                            } catch (Exception ignored) {
                                // not an event we time
                            }
                        }
                    }
                    ws.request(1);
                    return null;
                }

                @Override
                public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
                    if (measuring) {
                        closed.incrementAndGet();
                    }
                    return null;
                }
            };
        }

        double[] delays() {
            synchronized (delays) {
                return delays.stream().mapToDouble(Double::doubleValue).toArray();
            }
        }
    }

    private static List<Double> roundTrips(HttpClient http, ServiceProcess relay, String cookie, UUID node, int n,
                                           List<Double> post) throws Exception {
        Map<String, CompletableFuture<Long>> completed = new ConcurrentHashMap<>();
        WebSocket ws = http.newWebSocketBuilder().header("Cookie", cookie).buildAsync(URI.create(relay.ws("/api/live")),
                new WebSocket.Listener() {
                    private final StringBuilder partial = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            long now = System.nanoTime();
                            try {
                                JsonNode e = JSON.readTree(partial.toString()).path("event");
                                if (e.path("type").asText().equals("command-completed")) {
                                    completed.computeIfAbsent(e.path("commandId").asText(), k -> new CompletableFuture<>())
                                            .complete(now);
                                }
                            } catch (Exception ignored) {
                                // other messages
                            }
                            partial.setLength(0);
                        }
                        w.request(1);
                        return null;
                    }
                }).join();
        ws.sendText("{\"op\":\"subscribe\",\"id\":\"mine\",\"topic\":\"commands\"}", true).join();
        Thread.sleep(500);
        List<Double> rtt = new ArrayList<>();
        int warmup = 20;
        for (int i = 0; i < n + warmup; i++) {
            long t0 = System.nanoTime();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(relay.base() + "/api/nodes/" + node + "/commands"))
                    .header("Cookie", cookie).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"command\":{\"type\":\"exec\",\"commandLine\":\"true\"}}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            long posted = System.nanoTime();
            if (r.statusCode() != 202) {
                throw new IllegalStateException("command refused: " + r.statusCode() + " " + r.body());
            }
            String id = JSON.readTree(r.body()).path("commandId").asText();
            long t1 = completed.computeIfAbsent(id, k -> new CompletableFuture<>()).get(30, TimeUnit.SECONDS);
            if (i >= warmup) {
                rtt.add((t1 - t0) / 1e6);
                post.add((posted - t0) / 1e6);
            }
        }
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "done");
        return rtt;
    }

    /** Answers every exec at once with accepted + completed, as a gateway and an agent running `true` would. */
    private static final class NodeStandIn implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final KafkaProducer<byte[], byte[]> producer;
        private final Thread thread;
        private final String events;
        private volatile boolean running = true;

        NodeStandIn(String bootstrap, String namespace) {
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
            p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
            p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5);
            consumer = new KafkaConsumer<>(p);
            String topic = Topics.COMMANDS.nameIn(namespace);
            List<TopicPartition> parts = consumer.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(parts);
            consumer.seekToEnd(parts);
            parts.forEach(consumer::position);
            producer = producer(bootstrap);
            events = Topics.COMMAND_EVENTS.nameIn(namespace);
            thread = new Thread(this::run, "bench-node-stand-in");
            thread.setDaemon(true);
            thread.start();
        }

        private void run() {
            AtomicLong seq = new AtomicLong(1);
            try {
                while (running) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                        Command c = CODEC.decode(r.value(), Command.class);
                        long now = System.currentTimeMillis();
                        publish(producer, events, c.nodeId(), new CommandEvent.Accepted(c.commandId(), c.nodeId(), now));
                        publish(producer, events, c.nodeId(), new CommandEvent.Completed(c.commandId(), c.nodeId(),
                                seq.getAndIncrement(), now, 0, 1));
                    }
                    producer.flush();
                }
            } catch (WakeupException e) {
                // closing
            } finally {
                consumer.close();
            }
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            consumer.wakeup();
            thread.join(5000);
            producer.close();
        }
    }

    private static String setup(HttpClient http, ServiceProcess relay, String token) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(relay.base() + "/api/auth/setup"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"setupToken\":\"" + token
                        + "\",\"username\":\"bench\",\"password\":\"" + PASSWORD + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IllegalStateException("setup failed: " + r.statusCode() + " " + r.body());
        }
        String c = r.headers().firstValue("Set-Cookie").orElseThrow();
        return c.substring(0, c.indexOf(';'));
    }

    private static UUID registerAgent(HttpClient http, ServiceProcess relay, String cookie, String name) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(relay.base() + "/api/nodes/agents"))
                .header("Cookie", cookie).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IllegalStateException("register failed: " + r.statusCode() + " " + r.body());
        }
        return UUID.fromString(JSON.readTree(r.body()).path("node").path("nodeId").asText());
    }

    private static void awaitOnline(HttpClient http, ServiceProcess relay, String cookie, UUID node) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(relay.base() + "/api/nodes/" + node))
                    .header("Cookie", cookie).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200 && JSON.readTree(r.body()).path("state").asText().equals("ONLINE")) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the node did not show as online");
    }

    private static NodeStatus online(UUID node) {
        long now = System.currentTimeMillis();
        return new NodeStatus(node, NodeStatus.NodeState.ONLINE, now, NodeStatus.StatusReason.EVENT, now);
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return new KafkaProducer<>(p);
    }

    private static void publish(KafkaProducer<byte[], byte[]> producer, String topic, UUID key, Event event) {
        producer.send(new ProducerRecord<>(topic, null, System.currentTimeMillis(),
                key.toString().getBytes(StandardCharsets.UTF_8), CODEC.encode(event)));
    }
}
