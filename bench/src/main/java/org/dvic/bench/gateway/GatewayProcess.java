package org.dvic.bench.gateway;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The ingest gateway as a process of its own, started like the local stack starts it, with its footprint sampled. */
final class GatewayProcess implements AutoCloseable {
    private final Process process;
    private final int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private volatile double maxHeapMb;
    private volatile double maxRssMb;
    private volatile boolean sampling;
    private Thread sampler;

    private GatewayProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static GatewayProcess start(Path root, Map<String, String> env, int port, Path log) throws Exception {
        Path module = root.resolve("ingest-gateway");
        Path cpFile = module.resolve("target/service.classpath");
        if (!Files.exists(cpFile)) {
            build(root);
        }
        String classpath = module.resolve("target/classes") + ":" + Files.readString(cpFile).trim();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms512m", "-Xmx512m", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20", "-cp", classpath,
                "org.dvic.gateway.GatewayApplication"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        pb.environment().put("MICRONAUT_SERVER_PORT", String.valueOf(port));
        GatewayProcess g = new GatewayProcess(pb.start(), port);
        g.awaitHealthy(Duration.ofSeconds(90), log);
        return g;
    }

    private static void build(Path root) throws IOException, InterruptedException {
        System.out.println("[bench] packaging ingest-gateway (target/service.classpath missing)...");
        Process p = new ProcessBuilder("flock", "/tmp/dvic-maven.lock", "mvn", "-B", "-o", "-pl", "ingest-gateway", "-am",
                "package", "-DskipTests").directory(root.toFile()).redirectErrorStream(true)
                .redirectOutput(root.resolve("bench/target-gateway-build.log").toFile()).start();
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException("could not package ingest-gateway: see bench/target-gateway-build.log");
        }
    }

    private void awaitHealthy(Duration timeout, Path log) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the gateway exited: see " + log);
            }
            try {
                var r = http.send(HttpRequest.newBuilder(uri("/health")).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("the gateway did not become healthy: see " + log);
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    String wsUri() {
        return "ws://127.0.0.1:" + port + "/v1/agent";
    }

    String httpBase() {
        return "http://127.0.0.1:" + port;
    }

    long pid() {
        return process.pid();
    }

    /** Samples heap (from the gateway's own metrics) and RSS once a second, keeping the maxima. */
    void startSampling() {
        maxHeapMb = 0;
        maxRssMb = 0;
        sampling = true;
        sampler = new Thread(() -> {
            while (sampling) {
                try {
                    maxRssMb = Math.max(maxRssMb, rssMb());
                    maxHeapMb = Math.max(maxHeapMb, heapMb());
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    // a missed sample
                }
            }
        }, "gateway-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    double[] stopSampling() throws InterruptedException {
        sampling = false;
        sampler.interrupt();
        sampler.join();
        return new double[]{maxHeapMb, maxRssMb};
    }

    double rssMb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        }
        return 0;
    }

    double heapMb() throws Exception {
        String body = http.send(HttpRequest.newBuilder(uri("/prometheus")).build(), HttpResponse.BodyHandlers.ofString()).body();
        double bytes = 0;
        for (String line : body.split("\n")) {
            if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                bytes += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return bytes / (1024 * 1024);
    }

    /** SIGTERM, as a service manager stops it; returns the seconds it took to exit. */
    double stop() throws InterruptedException {
        long t0 = System.nanoTime();
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return -1;
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop();
        }
    }
}
