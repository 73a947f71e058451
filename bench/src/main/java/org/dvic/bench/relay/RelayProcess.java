package org.dvic.bench.relay;

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

/** The command relay as a process of its own, started the way the local stack starts it. */
final class RelayProcess implements AutoCloseable {
    private final Process process;
    private final int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private RelayProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static RelayProcess start(Path root, Map<String, String> env, int port, Path log) throws Exception {
        Path module = root.resolve("command-relay");
        Path cpFile = module.resolve("target/service.classpath");
        if (!Files.exists(cpFile)) {
            build(root);
        }
        String classpath = module.resolve("target/classes") + ":" + Files.readString(cpFile).trim();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms512m", "-Xmx512m", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20", "-cp", classpath,
                "org.dvic.relay.RelayApplication"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        pb.environment().put("MICRONAUT_SERVER_PORT", String.valueOf(port));
        RelayProcess r = new RelayProcess(pb.start(), port);
        r.awaitHealthy(Duration.ofSeconds(120), log);
        return r;
    }

    private static void build(Path root) throws IOException, InterruptedException {
        System.out.println("[bench] packaging command-relay (target/service.classpath missing)...");
        Process p = new ProcessBuilder("flock", "/tmp/dvic-maven.lock", "mvn", "-B", "-o", "-pl", "command-relay", "-am",
                "package", "-DskipTests").directory(root.toFile()).redirectErrorStream(true)
                .redirectOutput(root.resolve("bench/target-relay-build.log").toFile()).start();
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException("could not package command-relay: see bench/target-relay-build.log");
        }
    }

    private void awaitHealthy(Duration timeout, Path log) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the relay exited: see " + log);
            }
            try {
                var r = http.send(HttpRequest.newBuilder(URI.create(base() + "/health")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("the relay did not become healthy: see " + log);
    }

    String base() {
        return "http://127.0.0.1:" + port;
    }

    String live() {
        return "ws://127.0.0.1:" + port + "/api/live";
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
