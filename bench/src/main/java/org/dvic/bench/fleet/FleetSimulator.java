package org.dvic.bench.fleet;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The fleet simulator, a process of its own: simulated agents and ESP32 boards speaking the real
 * protocol to a gateway. Load modes for {@code bench gateway} print one {@code RESULT k=v ...} line;
 * {@code demo} ({@link DemoFleet}) runs a small realistic fleet for the local stack.
 * <pre>
 * throughput IDS WS_URI SOCKETS BATCH WINDOW WARMUP_S MEASURE_S
 * latency    IDS WS_URI SOCKETS BATCH EVENTS_PER_S WARMUP_S MEASURE_S
 * hold       IDS WS_URI SOCKETS SECONDS
 * esp32      IDS HTTP_BASE BOARDS CONCURRENCY WARMUP_S MEASURE_S
 * demo       --kafka HOST:PORT --gateway http://HOST:PORT [--namespace NS] [--agents N] [--boards N] [--state DIR]
 * </pre>
 */
public final class FleetSimulator {
    private FleetSimulator() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "";
        Map<String, Object> result = switch (mode) {
            case "throughput" -> throughput(FleetIdentities.load(Path.of(args[1])), URI.create(args[2]), i(args[3]),
                    i(args[4]), i(args[5]), i(args[6]), i(args[7]));
            case "latency" -> latency(FleetIdentities.load(Path.of(args[1])), URI.create(args[2]), i(args[3]),
                    i(args[4]), Double.parseDouble(args[5]), i(args[6]), i(args[7]));
            case "hold" -> hold(FleetIdentities.load(Path.of(args[1])), URI.create(args[2]), i(args[3]), i(args[4]));
            case "esp32" -> esp32(FleetIdentities.load(Path.of(args[1])), args[2], i(args[3]), i(args[4]), i(args[5]),
                    i(args[6]));
            case "demo" -> {
                DemoFleet.main(java.util.Arrays.copyOfRange(args, 1, args.length));
                yield null;
            }
            default -> {
                System.err.println("usage: FleetSimulator throughput|latency|hold|esp32|demo ... (see the class comment)");
                System.exit(2);
                yield null;
            }
        };
        if (result != null) {
            StringBuilder sb = new StringBuilder("RESULT");
            result.forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
            System.out.println(sb);
            System.out.flush();
            System.exit(0);
        }
    }

    private static int i(String s) {
        return Integer.parseInt(s);
    }

    static List<HttpClient> clients(int n) {
        List<HttpClient> clients = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            clients.add(HttpClient.newBuilder().executor(Executors.newFixedThreadPool(2, r -> {
                Thread t = new Thread(r, "fleet-ws");
                t.setDaemon(true);
                return t;
            })).build());
        }
        return clients;
    }

    /** Opens the sockets, at most 200 handshakes at a time. */
    static List<SimulatedAgent> connect(FleetIdentities ids, URI uri, int sockets) throws InterruptedException {
        if (sockets > ids.agents().size()) {
            throw new IllegalArgumentException("only " + ids.agents().size() + " agent identities");
        }
        List<HttpClient> clients = clients(4);
        List<SimulatedAgent> agents = new ArrayList<>(sockets);
        Semaphore handshakes = new Semaphore(200);
        List<CompletableFuture<SimulatedAgent>> pending = new ArrayList<>();
        for (int k = 0; k < sockets; k++) {
            SimulatedAgent a = new SimulatedAgent(ids.agents().get(k));
            agents.add(a);
            handshakes.acquire();
            pending.add(a.connect(clients.get(k % clients.size()), uri).whenComplete((ok, e) -> handshakes.release()));
        }
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).orTimeout(5, TimeUnit.MINUTES).join();
        Thread.sleep(300);
        long refused = agents.stream().filter(a -> !a.open).count();
        if (refused > 0) {
            throw new IllegalStateException(refused + " sockets were refused or closed (first close code "
                    + agents.stream().filter(a -> !a.open).findFirst().map(a -> a.closeCode).orElse(0) + ")");
        }
        return agents;
    }

    static Map<String, Object> throughput(FleetIdentities ids, URI uri, int sockets, int batch, int window, int warmup,
                                          int measure) throws Exception {
        List<SimulatedAgent> agents = connect(ids, uri, sockets);
        for (SimulatedAgent a : agents) {
            a.onAck = () -> {
                while (a.outstanding() < (long) batch * window) {
                    a.sendBatch(batch, SimulatedAgent.MIXED);
                }
            };
            a.onAck.run();
        }
        Thread.sleep(warmup * 1000L);
        long e0 = agents.stream().mapToLong(SimulatedAgent::acked).sum();
        long t0 = System.nanoTime();
        Thread.sleep(measure * 1000L);
        long e1 = agents.stream().mapToLong(SimulatedAgent::acked).sum();
        double seconds = (System.nanoTime() - t0) / 1e9;
        agents.forEach(a -> a.onAck = () -> { });
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("sockets", sockets);
        r.put("events_per_s", Math.round((e1 - e0) / seconds));
        r.put("open_at_end", agents.stream().filter(a -> a.open).count());
        agents.forEach(SimulatedAgent::close);
        return r;
    }

    static Map<String, Object> latency(FleetIdentities ids, URI uri, int sockets, int batch, double eventsPerSecond,
                                       int warmup, int measure) throws Exception {
        List<SimulatedAgent> agents = connect(ids, uri, sockets);
        ScheduledExecutorService timer = Executors.newScheduledThreadPool(1);
        long periodNanos = (long) (1e9 * sockets * batch / eventsPerSecond);
        long[] samples = new long[8_000_000];
        AtomicLong count = new AtomicLong();
        for (SimulatedAgent a : agents) {
            timer.scheduleAtFixedRate(() -> a.sendBatch(batch, SimulatedAgent.MIXED),
                    ThreadLocalRandom.current().nextLong(periodNanos), periodNanos, TimeUnit.NANOSECONDS);
        }
        Thread.sleep(warmup * 1000L);
        long e0 = agents.stream().mapToLong(SimulatedAgent::acked).sum();
        for (SimulatedAgent a : agents) {
            a.ackLatencyNanos = n -> {
                long k = count.getAndIncrement();
                if (k < samples.length) {
                    samples[(int) k] = n;
                }
            };
        }
        long t0 = System.nanoTime();
        Thread.sleep(measure * 1000L);
        agents.forEach(a -> a.ackLatencyNanos = n -> { });
        long e1 = agents.stream().mapToLong(SimulatedAgent::acked).sum();
        double seconds = (System.nanoTime() - t0) / 1e9;
        timer.shutdownNow();
        int n = (int) Math.min(count.get(), samples.length);
        long[] s = java.util.Arrays.copyOf(samples, n);
        java.util.Arrays.sort(s);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("sockets", sockets);
        r.put("target_events_per_s", Math.round(eventsPerSecond));
        r.put("events_per_s", Math.round((e1 - e0) / seconds));
        r.put("batches", n);
        r.put("ack_p50_ms", n == 0 ? -1 : round(s[(int) (n * 0.50)] / 1e6));
        r.put("ack_p99_ms", n == 0 ? -1 : round(s[Math.min(n - 1, (int) (n * 0.99))] / 1e6));
        r.put("ack_max_ms", n == 0 ? -1 : round(s[n - 1] / 1e6));
        agents.forEach(SimulatedAgent::close);
        return r;
    }

    static Map<String, Object> hold(FleetIdentities ids, URI uri, int sockets, int seconds) throws Exception {
        long c0 = System.nanoTime();
        List<SimulatedAgent> agents = connect(ids, uri, sockets);
        double connectSeconds = (System.nanoTime() - c0) / 1e9;
        ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
        for (SimulatedAgent a : agents) {
            timer.scheduleAtFixedRate(() -> {
                if (a.open) {
                    a.sendBatch(1, SimulatedAgent.HEARTBEAT);
                }
            }, ThreadLocalRandom.current().nextLong(1000), 1000, TimeUnit.MILLISECONDS);
        }
        long e0 = agents.stream().mapToLong(SimulatedAgent::acked).sum();
        long t0 = System.nanoTime();
        long minOpen = sockets;
        for (int s = 0; s < seconds; s++) {
            Thread.sleep(1000);
            minOpen = Math.min(minOpen, agents.stream().filter(a -> a.open).count());
        }
        long e1 = agents.stream().mapToLong(SimulatedAgent::acked).sum();
        double elapsed = (System.nanoTime() - t0) / 1e9;
        timer.shutdownNow();
        long lagging = agents.stream().filter(a -> a.nextSeq() - 1 - a.acked() > 3).count();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("sockets", sockets);
        r.put("connect_s", round(connectSeconds));
        r.put("held_min", minOpen);
        r.put("held_at_end", agents.stream().filter(a -> a.open).count());
        r.put("disconnects", sockets - agents.stream().filter(a -> a.open).count());
        r.put("heartbeats_per_s", Math.round((e1 - e0) / elapsed));
        r.put("lagging_sockets", lagging);
        agents.forEach(SimulatedAgent::close);
        return r;
    }

    static Map<String, Object> esp32(FleetIdentities ids, String base, int boards, int concurrency, int warmup,
                                     int measure) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(2)).build();
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong seq = new AtomicLong();
        List<FleetIdentities.BoardIdentity> bs = ids.boards().subList(0, Math.min(boards, ids.boards().size()));
        List<HttpRequest.Builder> templates = new ArrayList<>();
        for (FleetIdentities.BoardIdentity b : bs) {
            templates.add(HttpRequest.newBuilder(URI.create(base + "/v1/devices/" + b.nodeId() + "/keepalive"))
                    .header("Authorization", "Bearer " + b.token()).header("Content-Type", "application/json"));
        }
        java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
        for (int w = 0; w < concurrency; w++) {
            int worker = w;
            CompletableFuture.runAsync(() -> keepaliveLoop(client, templates, worker, concurrency, seq, ok, failed, running));
        }
        Thread.sleep(warmup * 1000L);
        long r0 = ok.get();
        long t0 = System.nanoTime();
        Thread.sleep(measure * 1000L);
        long r1 = ok.get();
        double seconds = (System.nanoTime() - t0) / 1e9;
        running.set(false);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("boards", bs.size());
        r.put("concurrency", concurrency);
        r.put("req_per_s", Math.round((r1 - r0) / seconds));
        r.put("failed", failed.get());
        return r;
    }

    private static void keepaliveLoop(HttpClient client, List<HttpRequest.Builder> templates, int worker, int stride,
                                      AtomicLong seq, AtomicLong ok, AtomicLong failed,
                                      java.util.concurrent.atomic.AtomicBoolean running) {
        if (!running.get()) {
            return;
        }
        long n = seq.incrementAndGet();
        HttpRequest.Builder t = templates.get((int) ((worker + n * stride) % templates.size()));
        String body = "{\"boot\":1,\"seq\":" + n + ",\"uptimeMs\":" + n * 1000 + ",\"intervalMs\":10000,"
                + "\"readings\":{\"temp_c\":21.5,\"rssi_dbm\":-61.0,\"heap_free\":181234.0},\"firmware\":\"0.1.0\"}";
        client.sendAsync(t.copy().POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.discarding()).whenComplete((resp, e) -> {
                    if (e == null && resp.statusCode() == 202) {
                        ok.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                    }
                    keepaliveLoop(client, templates, worker, stride, seq, ok, failed, running);
                });
    }

    static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    static Duration seconds(int s) {
        return Duration.ofSeconds(s);
    }
}
