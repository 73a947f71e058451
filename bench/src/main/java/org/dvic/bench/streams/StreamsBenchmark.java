package org.dvic.bench.streams;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.dvic.bench.BaselineBenchmark;
import org.dvic.bench.BenchContext;
import org.dvic.bench.BenchResult;
import org.dvic.bench.Benchmark;
import org.dvic.bench.Stats;
import org.dvic.devstack.TopicCatalogue;
import org.dvic.protocol.event.Heartbeat;
import org.dvic.protocol.event.MetricSample;
import org.dvic.protocol.event.NodeStatus;
import org.dvic.protocol.event.SessionClosed;
import org.dvic.protocol.event.SessionOpened;
import org.dvic.protocol.json.EventCodec;
import org.dvic.protocol.topic.Topics;
import org.dvic.store.CassandraStore;
import org.dvic.store.StoreSettings;
import org.dvic.streams.StreamProcessors;
import org.dvic.streams.liveness.LivenessListener;
import org.dvic.streams.liveness.LivenessSettings;
import org.dvic.streams.rollup.RollupTopology;
import org.dvic.streams.sink.CassandraSink;
import org.dvic.streams.sink.SinkMetrics;
import org.dvic.streams.sink.SinkSettings;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code bench streams}: what the stream processors exist for. Liveness: detection delay of silent
 * and cleanly disconnected nodes among 10,000 heartbeating at 1 Hz. Rollups: samples/s through the
 * 1 m + 1 h topology on one stream thread. Sink: rows/s into Cassandra against the raw driver-insert
 * baseline of the same run. Everything runs in this JVM against the benchmark's own engines, with
 * the service's own wiring ({@link StreamProcessors}).
 */
public final class StreamsBenchmark implements Benchmark {
    private static final EventCodec CODEC = new EventCodec();
    private static final int NODES = 10_000;
    private static final int SILENT = 100;
    private static final int CLOSED = 100;
    private static final long INTERVAL_MS = 1_000;
    private static final int MULTIPLIER = 3;

    @Override
    public String name() {
        return "streams";
    }

    @Override
    public BenchResult run(BenchContext context) throws Exception {
        BenchResult baseline = BaselineBenchmark.measure(context);
        BenchResult result = new BenchResult();
        liveness(context, result);
        rollups(context, result);
        sink(context, result, (double) baseline.get("cassandra_insert_rows_per_s"));
        result.put("baseline", baseline.figures());
        return result.summary(String.format("streams: liveness timeout %d ms, silent p99 %.0f ms, closed p99 %.0f ms"
                        + " (false OFFLINE %s); rollups %.0f samples/s on one thread; sink %.0f rows/s = %.2f x raw inserts"
                        + " (%.0f rows/s)",
                (long) result.get("timeout_ms"), (double) result.get("silent_detection_p99_ms"),
                (double) result.get("closed_detection_p99_ms"), result.get("false_offline"),
                (double) result.get("rollup_samples_per_s"), (double) result.get("sink_rows_per_s"),
                (double) result.get("sink_ratio_vs_raw_inserts"), (double) baseline.get("cassandra_insert_rows_per_s")));
    }

    private static StreamProcessors.Config config(BenchContext context, String namespace, String app, boolean liveness,
                                                  boolean rollups, StoreSettings store, List<String> sinks) {
        return new StreamProcessors.Config(context.engines().kafka().bootstrapServers(), namespace, app,
                context.workDir().resolve("streams-" + app), 1, 1, Duration.ofMillis(100),
                StreamProcessors.ROLLUP_COMMIT_INTERVAL, liveness, rollups,
                new LivenessSettings(MULTIPLIER, Duration.ofSeconds(30), LivenessSettings.DEFAULTS.checkInterval(),
                        Duration.ofDays(7)), RollupTopology.Settings.DEFAULTS, store, sinks, SinkSettings.DEFAULTS);
    }

    /** The steady heartbeat stream of the liveness phase: latency matters, the producer's defaults. */
    private static KafkaProducer<String, byte[]> producer(BenchContext context) {
        return producer(context, 5);
    }

    /**
     * The bulk loads of the rollup and sink phases keep one request in flight: their topics are created just
     * before, and on Kafka 4.3 an idempotent producer with several in flight can silently lose a batch sent
     * while a partition is still being created (KAFKA-15591), leaving the run waiting for records that
     * never arrive.
     */
    private static KafkaProducer<String, byte[]> loader(BenchContext context) {
        return producer(context, 1);
    }

    private static KafkaProducer<String, byte[]> producer(BenchContext context, int inFlight) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                context.engines().kafka().bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, inFlight,
                ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024),
                new StringSerializer(), new ByteArraySerializer());
    }

    // ---------------------------------------------------------------------------------------------
    // Liveness

    private void liveness(BenchContext context, BenchResult result) throws Exception {
        String ns = "bench-liveness";
        TopicCatalogue.create(context.engines().kafka().bootstrapServers(), ns, (short) 1);
        List<UUID> nodes = new ArrayList<>();
        Map<UUID, UUID> sessions = new HashMap<>();
        for (int i = 0; i < NODES; i++) {
            UUID n = UUID.randomUUID();
            nodes.add(n);
            sessions.put(n, UUID.randomUUID());
        }
        Set<UUID> silent = new HashSet<>(nodes.subList(0, SILENT));
        Set<UUID> closed = new HashSet<>(nodes.subList(SILENT, SILENT + CLOSED));
        Map<UUID, Long> stopSentAt = new ConcurrentHashMap<>();   // last heartbeat or the close, wall ms
        Map<UUID, Long> offlineSeenAt = new ConcurrentHashMap<>();
        Set<UUID> wronglyOffline = ConcurrentHashMap.newKeySet();
        AtomicBoolean stopping = new AtomicBoolean(false);
        AtomicBoolean goSilent = new AtomicBoolean(false);
        String hbTopic = Topics.HEARTBEATS.nameIn(ns);
        String sessTopic = Topics.SESSIONS.nameIn(ns);

        try (StreamProcessors processors = new StreamProcessors(config(context, ns, "bench-liveness", true, false,
                null, List.of()), LivenessListener.NONE, SinkMetrics.NONE, StreamProcessors.Hooks.NONE);
             KafkaProducer<String, byte[]> producer = producer(context)) {
            processors.start();
            // The watcher: when does each OFFLINE show up on dvic.node-status (committed)?
            Thread watcher = new Thread(() -> {
                try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, context.engines().kafka().bootstrapServers(),
                        ConsumerConfig.GROUP_ID_CONFIG, "bench-watch-" + UUID.randomUUID(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                        new StringDeserializer(), new ByteArrayDeserializer())) {
                    consumer.subscribe(List.of(Topics.NODE_STATUS.nameIn(ns)));
                    while (!stopping.get()) {
                        consumer.poll(Duration.ofMillis(50)).forEach(r -> {
                            long seen = System.currentTimeMillis();
                            NodeStatus s = (NodeStatus) CODEC.decode(r.value());
                            if (s.state() == NodeStatus.NodeState.OFFLINE) {
                                UUID n = s.nodeId();
                                if (stopSentAt.containsKey(n)) {
                                    offlineSeenAt.putIfAbsent(n, seen);
                                } else {
                                    wronglyOffline.add(n);
                                }
                            }
                        });
                    }
                }
            }, "bench-status-watch");
            watcher.start();
            // The fleet: sessions open, then every node heartbeats once a second, spread over the second.
            // The sessions and each node's first heartbeat go through a loader with one request in flight
            // (the topics are brand new: KAFKA-15591 would otherwise hold up, then drop, a partition's
            // heartbeats for two minutes, and its nodes would time out); the steady stream then needs none.
            long t0 = System.currentTimeMillis();
            long[] seqs = new long[NODES];
            try (KafkaProducer<String, byte[]> loader = loader(context)) {
                for (int i = 0; i < NODES; i++) {
                    UUID n = nodes.get(i);
                    loader.send(new ProducerRecord<>(sessTopic, n.toString(),
                            CODEC.encode(new SessionOpened(n, sessions.get(n), t0, "10.0.0.1"))));
                    loader.send(new ProducerRecord<>(hbTopic, n.toString(),
                            CODEC.encode(new Heartbeat(n, ++seqs[i], t0, INTERVAL_MS))));
                }
                loader.flush();
            }
            int warmSeconds = context.size(12, 30);
            int watchSeconds = 8;
            int slices = 10;
            long start = System.currentTimeMillis();
            for (long tick = 0; tick < (long) (warmSeconds + watchSeconds) * slices; tick++) {
                long due = start + tick * (1000 / slices);
                long wait = due - System.currentTimeMillis();
                if (wait > 0) {
                    Thread.sleep(wait);
                }
                if (tick == (long) warmSeconds * slices) {
                    goSilent.set(true);
                }
                int slice = (int) (tick % slices);
                for (int i = slice; i < NODES; i += slices) {
                    UUID n = nodes.get(i);
                    if (goSilent.get() && (silent.contains(n) || closed.contains(n))) {
                        if (closed.contains(n) && !stopSentAt.containsKey(n)) {
                            long now = System.currentTimeMillis();
                            producer.send(new ProducerRecord<>(sessTopic, n.toString(), CODEC.encode(new SessionClosed(
                                    n, sessions.get(n), now, SessionClosed.CloseReason.AGENT_CLOSED, null))));
                            stopSentAt.put(n, now);
                        }
                        continue;
                    }
                    long now = System.currentTimeMillis();
                    producer.send(new ProducerRecord<>(hbTopic, n.toString(),
                            CODEC.encode(new Heartbeat(n, ++seqs[i], now, INTERVAL_MS))));
                    if (silent.contains(n)) {
                        stopSentAt.put(n, now); // the last heartbeat before going silent
                    }
                }
            }
            producer.flush();
            Thread.sleep(1_000);
            stopping.set(true);
            watcher.join();
        }
        double[] silentDelays = delays(silent, stopSentAt, offlineSeenAt);
        double[] closedDelays = delays(closed, stopSentAt, offlineSeenAt);
        result.put("nodes", NODES)
                .put("heartbeat_interval_ms", INTERVAL_MS)
                .put("timeout_ms", INTERVAL_MS * MULTIPLIER)
                .put("check_interval_ms", LivenessSettings.DEFAULTS.checkInterval().toMillis())
                .put("silent_detected", silentDelays.length + "/" + SILENT)
                .put("silent_detection_p50_ms", pct(silentDelays, 50))
                .put("silent_detection_p99_ms", pct(silentDelays, 99))
                .put("silent_detection_max_ms", pct(silentDelays, 100))
                .put("closed_detected", closedDelays.length + "/" + CLOSED)
                .put("closed_detection_p50_ms", pct(closedDelays, 50))
                .put("closed_detection_p99_ms", pct(closedDelays, 99))
                .put("closed_detection_max_ms", pct(closedDelays, 100))
                .put("false_offline", wronglyOffline.size());
        System.out.printf("[bench] liveness: silent p99 %.0f ms, closed p99 %.0f ms, detected %d/%d and %d/%d,"
                        + " false OFFLINE %d%n", pct(silentDelays, 99), pct(closedDelays, 99), silentDelays.length,
                SILENT, closedDelays.length, CLOSED, wronglyOffline.size());
    }

    private static double[] delays(Set<UUID> which, Map<UUID, Long> from, Map<UUID, Long> to) {
        return which.stream().filter(n -> from.containsKey(n) && to.containsKey(n))
                .mapToDouble(n -> to.get(n) - from.get(n)).toArray();
    }

    private static double pct(double[] values, double p) {
        return values.length == 0 ? Double.NaN : Stats.percentile(values.clone(), p);
    }

    // ---------------------------------------------------------------------------------------------
    // Rollups

    private void rollups(BenchContext context, BenchResult result) throws Exception {
        String ns = "bench-rollups";
        String bootstrap = context.engines().kafka().bootstrapServers();
        TopicCatalogue.create(bootstrap, ns, (short) 1);
        int samples = context.size(300_000, 1_500_000);
        int nodes = 1_000;
        int readings = 4;
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            ids.add(UUID.randomUUID());
        }
        // Samples every 10 s per node over the last few hours, so windows keep closing as stream time moves.
        long now = System.currentTimeMillis();
        long span = (long) (samples / nodes) * 10_000;
        long first = now - span;
        String topic = Topics.METRICS.nameIn(ns);
        try (KafkaProducer<String, byte[]> producer = loader(context)) {
            for (int i = 0; i < samples; i++) {
                UUID n = ids.get(i % nodes);
                long ts = first + (long) (i / nodes) * 10_000 + (i % nodes);
                Map<String, Double> values = Map.of("cpu.total_pct", (double) (i % 100), "mem.used_pct", 50.0,
                        "disk./.used_pct", 70.0, "net.rx_bps", (double) i);
                producer.send(new ProducerRecord<>(topic, null, ts, n.toString(),
                        CODEC.encode(new MetricSample(n, i, ts, values))));
            }
            producer.flush();
        }
        StreamProcessors.Config config = config(context, ns, "bench-rollups", false, true, null, List.of());
        String group = config.applicationId() + "-rollups";
        double rate;
        long threadCpuNs;
        try (StreamProcessors processors = new StreamProcessors(config, LivenessListener.NONE, SinkMetrics.NONE,
                StreamProcessors.Hooks.NONE);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            processors.start();
            rate = throughput(() -> committed(admin, group, topic), samples, Duration.ofMinutes(10));
            threadCpuNs = streamThreadCpuNanos(group);
            KafkaStreams ks = processors.streams().get("rollups");
            if (ks.state() != KafkaStreams.State.RUNNING) {
                throw new IllegalStateException("rollups ended in state " + ks.state());
            }
        }
        result.put("rollup_samples", samples)
                .put("rollup_readings_per_sample", readings)
                .put("rollup_samples_per_s", Stats.round(rate, 0))
                .put("rollup_readings_per_s", Stats.round(rate * readings, 0))
                .put("rollup_stream_threads", 1)
                // The stream thread's own CPU per sample, start-up included: what the machine's other load
                // (the broker, other processes on two cores) cannot inflate, unlike samples/s.
                .put("rollup_stream_thread_cpu_us_per_sample", Stats.round(threadCpuNs / 1e3 / samples, 2))
                .put("rollup_load_average_1m", Stats.round(
                        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), 2));
        System.out.printf("[bench] rollups: %.0f samples/s (%d readings each) on one stream thread, %.1f us of its CPU"
                + " per sample%n", rate, readings, threadCpuNs / 1e3 / samples);
    }

    /** CPU time so far of the Kafka Streams threads of one application (one here). */
    private static long streamThreadCpuNanos(String applicationId) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(applicationId + "-") && t.getName().contains("-StreamThread-"))
                .mapToLong(t -> Math.max(0, threads.getThreadCpuTime(t.getId()))).sum();
    }

    private static long committed(Admin admin, String group, String topic) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        return offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                .mapToLong(e -> e.getValue().offset()).sum();
    }

    private interface Progress {
        long done() throws Exception;
    }

    /** Items/s between the first progress and completion, polled every 100 ms (start-up excluded). */
    private static double throughput(Progress progress, long total, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long firstDone = -1;
        long firstAt = 0;
        while (System.nanoTime() < deadline) {
            long done = progress.done();
            long at = System.nanoTime();
            if (firstDone < 0 && done > 0) {
                firstDone = done;
                firstAt = at;
            }
            if (done >= total) {
                if (done == firstDone) {
                    throw new IllegalStateException("finished within one poll; make the run larger");
                }
                return (done - firstDone) / ((at - firstAt) / 1e9);
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("did not finish within " + timeout + " (" + progress.done() + "/" + total + ")");
    }

    // ---------------------------------------------------------------------------------------------
    // Sink

    private void sink(BenchContext context, BenchResult result, double baselineRowsPerS) throws Exception {
        String ns = "bench-sink";
        String bootstrap = context.engines().kafka().bootstrapServers();
        TopicCatalogue.create(bootstrap, ns, (short) 1);
        int rows = context.size(60_000, 300_000);
        StoreSettings store = StoreSettings.local(context.engines().cassandra().nativePort(), "bench_streams_sink");
        CassandraStore.open(store).close();
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            ids.add(UUID.randomUUID());
        }
        long now = System.currentTimeMillis();
        try (KafkaProducer<String, byte[]> producer = loader(context)) {
            // One reading per sample: one row per event, the same row shape as the baseline's inserts.
            for (int i = 0; i < rows; i++) {
                UUID n = ids.get(i % ids.size());
                long ts = now - rows + i;
                producer.send(new ProducerRecord<>(Topics.METRICS.nameIn(ns), n.toString(),
                        CODEC.encode(new MetricSample(n, i, ts, Map.of("cpu.total_pct", (double) (i % 100))))));
            }
            producer.flush();
        }
        double rate;
        try (StreamProcessors processors = new StreamProcessors(config(context, ns, "bench-sink", false, false, store,
                List.of("metrics-raw")), LivenessListener.NONE, SinkMetrics.NONE, StreamProcessors.Hooks.NONE)) {
            processors.start();
            rate = throughput(() -> processors.sinks().stream().mapToLong(CassandraSink::committed).sum(), rows,
                    Duration.ofMinutes(10));
        }
        double ratio = rate / baselineRowsPerS;
        result.put("sink_rows", rows)
                .put("sink_rows_per_s", Stats.round(rate, 0))
                .put("sink_max_in_flight", SinkSettings.DEFAULTS.maxInFlight())
                .put("sink_ratio_vs_raw_inserts", Stats.round(ratio, 2));
        System.out.printf("[bench] sink: %.0f rows/s = %.2f x raw inserts (%.0f rows/s)%n", rate, ratio,
                baselineRowsPerS);
    }
}
