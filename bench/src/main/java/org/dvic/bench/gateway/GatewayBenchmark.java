package org.dvic.bench.gateway;

import org.dvic.bench.BaselineBenchmark;
import org.dvic.bench.BenchContext;
import org.dvic.bench.BenchResult;
import org.dvic.bench.Benchmark;
import org.dvic.bench.Stats;
import org.dvic.bench.fleet.FleetIdentities;
import org.dvic.bench.fleet.FleetSimulator;
import org.dvic.devstack.Ports;
import org.dvic.devstack.TopicCatalogue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code bench gateway}: what the ingest gateway exists for, on this machine, against Kafka's own
 * producer measured in the same run. The gateway runs as its own process (as deployed, -Xmx512m);
 * the load comes from the fleet simulator in another process. Phases: throughput with 1,000 agent
 * sockets sending batches of ~200-byte metric and log events; ack latency at half that load;
 * 10,000 sockets each sending a heartbeat a second (held, no disconnects; heap and RSS sampled);
 * ESP32 keep-alives over persistent HTTP connections; then a SIGTERM.
 */
public final class GatewayBenchmark implements Benchmark {
    @Override
    public String name() {
        return "gateway";
    }

    @Override
    public BenchResult run(BenchContext context) throws Exception {
        boolean quick = context.quick();
        // -Ddvic.bench.gateway.only=esp32: only that phase, no baseline (for working on one figure)
        String only = System.getProperty("dvic.bench.gateway.only", "");
        if (!only.isEmpty()) {
            return onlyPhase(context, only);
        }
        BenchResult baseline = BaselineBenchmark.measure(context);
        double rawProducer = (double) baseline.get("kafka_producer_rec_per_s");
        System.out.printf("[bench] baseline: ProducerPerformance %.0f rec/s%n", rawProducer);

        String bootstrap = context.engines().kafka().bootstrapServers();
        String namespace = "bench-gw";
        TopicCatalogue.create(bootstrap, namespace, (short) 1);
        int holdSockets = context.size(2_000, 10_000);
        FleetIdentities ids = FleetIdentities.generate(holdSockets, 1_000);
        ids.register(bootstrap, namespace, "bench");
        Path idFile = context.workDir().resolve("identities");
        ids.save(idFile);

        Path root = Path.of("").toAbsolutePath();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("DVIC_KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        env.put("DVIC_TOPICS_NAMESPACE", namespace);
        env.put("DVIC_GATEWAY_ID", "gw-bench");
        env.put("DVIC_GATEWAY_BOARD_REQUESTS_PER_SECOND", "100000");
        env.put("DVIC_GATEWAY_BOARD_BURST", "100000");
        env.put("DVIC_GATEWAY_EVENTS_PER_SECOND", "100000");
        env.put("DVIC_LOG_LEVEL", "WARN");
        BenchResult r = new BenchResult();
        try (GatewayProcess gateway = GatewayProcess.start(root, env, Ports.free(), context.workDir().resolve("gateway.log"))) {
            System.out.println("[bench] gateway up (pid " + gateway.pid() + ")");
            Map<String, String> tp = fleet(idFile, "throughput", gateway.wsUri(), "1000", "20", "4",
                    quick ? "4" : "10", quick ? "8" : "30");
            double throughput = Double.parseDouble(tp.get("events_per_s"));
            System.out.printf("[bench] throughput: %.0f events/s (%.2f x raw producer)%n", throughput, throughput / rawProducer);

            Map<String, String> lat = fleet(idFile, "latency", gateway.wsUri(), "1000", "10",
                    String.valueOf(Math.round(throughput / 2)), quick ? "3" : "5", quick ? "8" : "30");
            System.out.println("[bench] latency at half load: " + lat);

            gateway.startSampling();
            Map<String, String> hold = fleet(idFile, "hold", gateway.wsUri(), String.valueOf(holdSockets),
                    quick ? "15" : "120");
            double[] footprint = gateway.stopSampling();
            System.out.println("[bench] hold: " + hold + " heap_max_mb=" + Math.round(footprint[0])
                    + " rss_max_mb=" + Math.round(footprint[1]));

            Map<String, String> esp = fleet(idFile, "esp32", gateway.httpBase(), "1000", "1000",
                    quick ? "2" : "5", quick ? "8" : "20");
            System.out.println("[bench] esp32: " + esp);
            double stopSeconds = gateway.stop();

            r.put("ratio_vs_raw_producer", Stats.round(throughput / rawProducer, 2))
                    .put("gateway_events_per_s", throughput)
                    .put("raw_producer_rec_per_s", rawProducer)
                    .put("throughput_sockets", 1000)
                    .put("event_size_bytes_approx", 200)
                    .put("ack_p50_ms", Double.parseDouble(lat.get("ack_p50_ms")))
                    .put("ack_p99_ms", Double.parseDouble(lat.get("ack_p99_ms")))
                    .put("ack_max_ms", Double.parseDouble(lat.get("ack_max_ms")))
                    .put("latency_load_events_per_s", Double.parseDouble(lat.get("events_per_s")))
                    .put("sockets_target", holdSockets)
                    .put("sockets_held", Long.parseLong(hold.get("held_min")))
                    .put("socket_disconnects", Long.parseLong(hold.get("disconnects")))
                    .put("hold_seconds", quick ? 15 : 120)
                    .put("hold_heartbeats_per_s", Double.parseDouble(hold.get("heartbeats_per_s")))
                    .put("gateway_heap_mb", Math.round(footprint[0]))
                    .put("gateway_heap_limit_mb", 512)
                    .put("gateway_rss_mb", Math.round(footprint[1]))
                    .put("esp32_req_per_s", Double.parseDouble(esp.get("req_per_s")))
                    .put("esp32_failed", Long.parseLong(esp.get("failed")))
                    .put("sigterm_exit_s", Stats.round(stopSeconds, 1))
                    .put("baseline", baseline.figures());
        }
        return r.summary(String.format("gateway: %.0f events/s = %.2f x raw producer (%.0f rec/s); ack p50 %s ms, p99 %s ms"
                        + " at half load; %s/%s sockets held (heap max %s MB, RSS max %s MB); ESP32 %s req/s",
                (double) r.get("gateway_events_per_s"), (double) r.get("ratio_vs_raw_producer"), rawProducer,
                r.get("ack_p50_ms"), r.get("ack_p99_ms"), r.get("sockets_held"), holdSockets, r.get("gateway_heap_mb"),
                r.get("gateway_rss_mb"), r.get("esp32_req_per_s")));
    }

    private static BenchResult onlyPhase(BenchContext context, String phase) throws Exception {
        String bootstrap = context.engines().kafka().bootstrapServers();
        TopicCatalogue.create(bootstrap, "bench-gw", (short) 1);
        FleetIdentities ids = FleetIdentities.generate(1_000, 1_000);
        ids.register(bootstrap, "bench-gw", "bench");
        Path idFile = context.workDir().resolve("identities");
        ids.save(idFile);
        Map<String, String> env = Map.of("DVIC_KAFKA_BOOTSTRAP_SERVERS", bootstrap, "DVIC_TOPICS_NAMESPACE", "bench-gw",
                "DVIC_GATEWAY_BOARD_REQUESTS_PER_SECOND", "100000", "DVIC_GATEWAY_BOARD_BURST", "100000",
                "DVIC_GATEWAY_EVENTS_PER_SECOND", "100000", "DVIC_LOG_LEVEL", "WARN");
        try (GatewayProcess gateway = GatewayProcess.start(Path.of("").toAbsolutePath(), env, Ports.free(),
                context.workDir().resolve("gateway.log"))) {
            Map<String, String> r = phase.equals("esp32")
                    ? fleet(idFile, "esp32", gateway.httpBase(), "1000", "1000", "3", "10")
                    : fleet(idFile, "throughput", gateway.wsUri(), "1000", "20", "4", "4", "10");
            BenchResult result = new BenchResult();
            r.forEach(result::put);
            return result.summary(phase + ": " + r);
        }
    }

    /** Runs one fleet simulator phase in its own JVM and returns its RESULT figures. */
    static Map<String, String> fleet(Path ids, String mode, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx2g", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=10", "-cp", System.getProperty("java.class.path"),
                FleetSimulator.class.getName(), mode, ids.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        Map<String, String> result = null;
        List<String> tail = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith("RESULT")) {
                    result = new LinkedHashMap<>();
                    for (String kv : line.substring(6).trim().split(" ")) {
                        int eq = kv.indexOf('=');
                        result.put(kv.substring(0, eq), kv.substring(eq + 1));
                    }
                } else {
                    tail.add(line);
                    if (tail.size() > 20) {
                        tail.remove(0);
                    }
                }
            }
        }
        if (!p.waitFor(15, TimeUnit.MINUTES) || result == null) {
            throw new IllegalStateException("fleet " + mode + " failed (exit " + p.exitValue() + "):\n"
                    + String.join("\n", tail));
        }
        return result;
    }
}
