package org.dvic.bench.agent;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.dvic.bench.BenchContext;
import org.dvic.bench.BenchResult;
import org.dvic.bench.ServiceProcess;
import org.dvic.bench.Benchmark;
import org.dvic.bench.Stats;
import org.dvic.devstack.Ports;
import org.dvic.devstack.TopicCatalogue;
import org.dvic.protocol.event.Event;
import org.dvic.protocol.event.LogRecord;
import org.dvic.protocol.event.RegistryEntry;
import org.dvic.protocol.identity.NodeKeys;
import org.dvic.protocol.json.EventCodec;
import org.dvic.protocol.topic.Topics;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code bench agent}: the agent jar in its own JVM (the systemd unit's flags) against the real
 * gateway and Kafka, with 1 s metrics and 3 demo logs written at 100 lines/s each. Measures the
 * agent's RSS and CPU (medians of 5 s samples), line written → record in {@code dvic.logs}
 * latency, and the highest rate one file sustains with zero loss (steps of 10 s).
 * Needs {@code agent/target/dvic-agent-*-all.jar} (package it first); the gateway starts through
 * {@link ServiceProcess}, which packages it when missing.
 */
public final class AgentBenchmark implements Benchmark {
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final EventCodec CODEC = new EventCodec();


    @Override
    public String name() {
        return "agent";
    }

    @Override
    public BenchResult run(BenchContext context) throws Exception {
        Path root = Path.of(System.getProperty("dvic.root", ".")).toAbsolutePath().normalize();
        Path agentJar;
        try (var s = Files.list(root.resolve("agent/target"))) {
            agentJar = s.filter(p -> p.getFileName().toString().endsWith("-all.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("package the agent first (agent/target/*-all.jar)"));
        }
        String bootstrap = context.engines().kafka().bootstrapServers();
        String namespace = "bench-agent-" + Long.toHexString(System.nanoTime());
        TopicCatalogue.create(bootstrap, namespace, (short) 1);
        Path work = context.workDir().resolve("agent");
        Path logs = Files.createDirectories(work.resolve("logs"));
        UUID node = UUID.randomUUID();
        KeyPair keys = NodeKeys.generate();
        register(bootstrap, namespace, node, keys);
        Files.writeString(work.resolve("node.key"), NodeKeys.encodePrivate(keys.getPrivate()));

        List<Process> children = new ArrayList<>();
        ServiceProcess gateway = null;
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        try {
            int port = Ports.free();
            gateway = ServiceProcess.start(root, "ingest-gateway", "org.dvic.gateway.GatewayApplication",
                    Map.of("DVIC_KAFKA_BOOTSTRAP_SERVERS", bootstrap, "DVIC_TOPICS_NAMESPACE", namespace),
                    port, work.resolve("gateway.log"), Duration.ofSeconds(90));

            Files.writeString(work.resolve("agent.conf"), String.join("\n",
                    "gateway.url = ws://127.0.0.1:" + port, "node.id = " + node,
                    "node.key-file = " + work.resolve("node.key"), "state.dir = " + work.resolve("state"),
                    "demo-logs.dirs = " + logs, "metrics.interval-ms = 1000", "journal.mode = off",
                    "docker.mode = off", "heartbeat.interval-ms = 10000", ""));
            InstalledUnit unit = InstalledUnit.read(root.resolve("agent/install/dvic-agent.service"));
            List<String> cmd = new ArrayList<>(List.of(java.toString()));
            cmd.addAll(unit.jvmFlags());
            // investigation hook (e.g. -XX:NativeMemoryTracking=summary); results record the flags used
            String extra = System.getenv().getOrDefault("DVIC_BENCH_AGENT_EXTRA_FLAGS", "").trim();
            if (!extra.isEmpty()) {
                cmd.addAll(List.of(extra.split("\\s+")));
            }
            cmd.addAll(List.of("-jar", agentJar.toString(), "--config", work.resolve("agent.conf").toString()));
            ProcessBuilder agentBuilder = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(work.resolve("agent.log").toFile());
            agentBuilder.environment().putAll(unit.environment());
            Process agent = agentBuilder.start();
            children.add(agent);

            Map<String, Long> seen = new ConcurrentHashMap<>();
            List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
            AtomicBoolean consuming = new AtomicBoolean(true);
            java.util.concurrent.atomic.AtomicLong measureFrom = new java.util.concurrent.atomic.AtomicLong(Long.MAX_VALUE);
            Thread consumer = new Thread(() -> consume(bootstrap, namespace, node, seen, latencies, consuming, measureFrom));
            consumer.start();

            // steady load: 3 demos x 100 lines/s, agent sampled every 5 s
            long seconds = context.size(60, 300);
            List<DemoWriter> writers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                writers.add(new DemoWriter(logs, "steady" + i, 100));
            }
            writers.forEach(DemoWriter::start);
            List<Double> rss = new ArrayList<>();
            List<Double> cpu = new ArrayList<>();
            long prevTicks = cpuTicks(agent.pid());
            long prevNanos = System.nanoTime();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            long warmupSeconds = Math.min(20, seconds / 3);
            long warmup = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmupSeconds);
            measureFrom.set(System.currentTimeMillis() + TimeUnit.SECONDS.toMillis(warmupSeconds));
            while (System.nanoTime() < end) {
                Thread.sleep(5000);
                long ticks = cpuTicks(agent.pid());
                long now = System.nanoTime();
                if (now > warmup) {
                    rss.add(rssMb(agent.pid()));
                    cpu.add(100.0 * (ticks - prevTicks) / 100.0 / ((now - prevNanos) / 1e9));
                }
                prevTicks = ticks;
                prevNanos = now;
            }
            writers.forEach(DemoWriter::stop);
            long steadyWritten = writers.stream().mapToLong(w -> w.written).sum();
            for (DemoWriter w : writers) {
                awaitCount(seen, w.name, w.written, Duration.ofSeconds(30));
            }
            long steadySeen = 0;
            for (int i = 0; i < 3; i++) {
                steadySeen += countPrefix(seen, "steady" + i);
            }
            List<Long> steadyLatencies = new ArrayList<>(latencies);

            // highest sustained rate of one file with zero loss
            long best = 0;
            for (int rate : new int[]{500, 1000, 2000, 4000, 8000, 16000}) {
                DemoWriter w = new DemoWriter(logs, "max" + rate, rate);
                w.start();
                Thread.sleep(context.size(5000, 10000));
                w.stop();
                String prefix = "max" + rate;
                awaitCount(seen, prefix, w.written, Duration.ofSeconds(30));
                if (countPrefix(seen, prefix) < w.written || w.achievedRate() < rate * 0.9) {
                    break;
                }
                best = Math.round(w.achievedRate());
            }
            consuming.set(false);
            consumer.join();

            double rssMed = Stats.median(rss);
            double cpuMed = Stats.median(cpu);
            double p50 = percentile(steadyLatencies, 0.50);
            double p99 = percentile(steadyLatencies, 0.99);
            return new BenchResult()
                    .put("rss_mb_median", round(rssMed)).put("rss_mb_max", round(rss.stream().mapToDouble(d -> d).max().orElse(0)))
                    .put("cpu_percent_median", round(cpuMed))
                    .put("log_to_kafka_p50_ms", round(p50)).put("log_to_kafka_p99_ms", round(p99))
                    .put("steady_lines_written", steadyWritten).put("steady_lines_in_kafka", steadySeen)
                    .put("max_lines_per_s_zero_loss", best)
                    .put("duration_s", seconds).put("agent_flags", String.join(" ", cmd.subList(1, cmd.indexOf("-jar"))))
                    .put("agent_environment", String.valueOf(unit.environment()))
                    .summary(String.format("agent: RSS median %.1f MB (limit 64), CPU median %.2f %% (limit 2), "
                                    + "log->Kafka p50 %.0f ms p99 %.0f ms (limit 250), %d/%d lines, max %d lines/s zero loss",
                            rssMed, cpuMed, p50, p99, steadySeen, steadyWritten, best));
        } finally {
            for (Process p : children) {
                p.destroy();
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
            if (gateway != null) {
                gateway.close();
            }
        }
    }

    private static double round(double d) {
        return Math.round(d * 100) / 100.0;
    }

    private static double percentile(List<Long> values, double q) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Long> s = new ArrayList<>(values);
        s.sort(null);
        return s.get(Math.min(s.size() - 1, (int) Math.ceil(q * s.size()) - 1));
    }

    private static long countPrefix(Map<String, Long> seen, String prefix) {
        return seen.keySet().stream().filter(k -> k.startsWith(prefix + ":")).count();
    }

    private static void awaitCount(Map<String, Long> seen, String prefix, long n, Duration max) throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        while (countPrefix(seen, prefix) < n && System.nanoTime() < end) {
            Thread.sleep(200);
        }
    }

    private static void consume(String bootstrap, String namespace, UUID node, Map<String, Long> seen,
                                List<Long> latencies, AtomicBoolean running, java.util.concurrent.atomic.AtomicLong measureFrom) {
        Map<String, Object> p = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "bench-agent-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            c.subscribe(List.of(Topics.LOGS.nameIn(namespace)));
            while (running.get()) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(100))) {
                    long now = System.currentTimeMillis();
                    if (!node.toString().equals(r.key())) {
                        continue;
                    }
                    Event e = CODEC.decode(r.value());
                    if (e instanceof LogRecord log && log.source().startsWith("demo:") && log.fields() != null
                            && log.fields().containsKey("id")) {
                        String id = log.fields().get("id");
                        long written = Long.parseLong(log.fields().get("written_ms"));
                        if (seen.putIfAbsent(id, now) == null && id.startsWith("steady") && written >= measureFrom.get()) {
                            latencies.add(now - written);
                        }
                    }
                }
            }
        }
    }

    private static void register(String bootstrap, String namespace, UUID node, KeyPair keys) throws Exception {
        RegistryEntry entry = new RegistryEntry(node, RegistryEntry.NodeKind.AGENT, "bench-agent",
                NodeKeys.encodePublic(keys.getPublic()), null, Map.of(), false, null, System.currentTimeMillis(), "bench");
        Map<String, Object> p = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(Topics.REGISTRY.nameIn(namespace), node.toString(),
                    CODEC.encodeToString(entry))).get(30, TimeUnit.SECONDS);
        }
    }

    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime + stime (fields 14, 15), 100 Hz
    }

    private static double rssMb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D+", "")) / 1024.0;
            }
        }
        return Double.NaN;
    }

    /**
     * A demo log written in the dvic_log format at a fixed rate (flushed every 100 ms like the libraries'
     * flusher); each line carries its id and write time. The header names this JVM, which lives for the run.
     */
    private static final class DemoWriter {
        private final Path file;
        final String name;
        private final int rate;
        private final Thread thread;
        private volatile boolean running = true;
        volatile long written;
        private long startNanos;
        private long stopNanos;

        DemoWriter(Path dir, String name, int rate) throws IOException {
            byte[] t = new byte[16];
            new SecureRandom().nextBytes(t);
            String token = Base64.getUrlEncoder().withoutPadding().encodeToString(t);
            this.file = dir.resolve("dvic_log_" + token);
            this.name = name;
            this.rate = rate;
            long pid = ProcessHandle.current().pid();
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String start = stat.substring(stat.lastIndexOf(')') + 2).split(" ")[19];
            Files.writeString(file, "{\"dvic_log\":1,\"token\":\"" + token + "\",\"pid\":" + pid + ",\"start_time\":"
                    + start + ",\"started_at\":\"" + TS.format(Instant.now()) + "\",\"exe\":null,\"argv\":[],"
                    + "\"user\":null,\"uid\":null,\"hostname\":\"bench\",\"language\":\"java\",\"library_version\":\"0\","
                    + "\"demo\":\"" + name + "\"}\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
            this.thread = new Thread(this::run, "demo-" + name);
        }

        void start() {
            thread.start();
        }

        void stop() {
            running = false;
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        double achievedRate() {
            return written / ((stopNanos - startNanos) / 1e9);
        }

        private void run() {
            startNanos = System.nanoTime();
            try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.APPEND)) {
                StringBuilder sb = new StringBuilder();
                while (running) {
                    long due = (System.nanoTime() - startNanos) * rate / 1_000_000_000L;
                    long now = System.currentTimeMillis();
                    String ts = TS.format(Instant.ofEpochMilli(now));
                    sb.setLength(0);
                    while (written < due) {
                        sb.append("{\"ts\":\"").append(ts).append("\",\"level\":\"INFO\",\"msg\":\"bench line ")
                                .append(written).append("\",\"fields\":{\"id\":\"").append(name).append(':')
                                .append(written).append("\",\"written_ms\":\"").append(now).append("\"}}\n");
                        written++;
                    }
                    if (sb.length() > 0) {
                        out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
                    }
                    Thread.sleep(100);
                }
            } catch (IOException | InterruptedException e) {
                // stop
            }
            stopNanos = System.nanoTime();
        }
    }
}
