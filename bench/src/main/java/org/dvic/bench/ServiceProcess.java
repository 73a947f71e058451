package org.dvic.bench;

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

/**
 * One of our services (ingest gateway, command relay) as a process of its own, started from its
 * module's {@code target/classes} and {@code target/service.classpath} the way the local stack
 * starts it (packaged first when that is missing), waited for on {@code /health}, stopped with
 * SIGTERM as a service manager stops it.
 */
public final class ServiceProcess implements AutoCloseable {
    /** The benchmarks' service JVM: a fixed heap and a low-pause collector. */
    public static final List<String> JVM_FLAGS = List.of("-Xms512m", "-Xmx512m", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20");

    private final String module;
    private final Process process;
    private final int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private ServiceProcess(String module, Process process, int port) {
        this.module = module;
        this.process = process;
        this.port = port;
    }

    /** Starts {@code mainClass} of {@code module} on {@code port} and waits until it is healthy. */
    public static ServiceProcess start(Path root, String module, String mainClass, Map<String, String> env, int port,
                                       Path log, Duration healthTimeout) throws Exception {
        Path dir = root.resolve(module);
        Path cpFile = dir.resolve("target/service.classpath");
        if (!Files.exists(cpFile)) {
            build(root, module);
        }
        String classpath = dir.resolve("target/classes") + ":" + Files.readString(cpFile).trim();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(JVM_FLAGS);
        cmd.addAll(List.of("-cp", classpath, mainClass));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        pb.environment().put("MICRONAUT_SERVER_PORT", String.valueOf(port));
        ServiceProcess s = new ServiceProcess(module, pb.start(), port);
        try {
            s.awaitHealthy(healthTimeout, log);
        } catch (Exception e) {
            s.close();
            throw e;
        }
        return s;
    }

    private static void build(Path root, String module) throws IOException, InterruptedException {
        System.out.println("[bench] packaging " + module + " (target/service.classpath missing)...");
        Path buildLog = root.resolve("bench/target-" + module + "-build.log");
        Process p = new ProcessBuilder("flock", "/tmp/dvic-maven.lock", "mvn", "-B", "-o", "-pl", module, "-am",
                "package", "-DskipTests").directory(root.toFile()).redirectErrorStream(true)
                .redirectOutput(buildLog.toFile()).start();
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException("could not package " + module + ": see " + buildLog);
        }
    }

    private void awaitHealthy(Duration timeout, Path log) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(module + " exited: see " + log);
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
        throw new IllegalStateException(module + " did not become healthy: see " + log);
    }

    public URI uri(String path) {
        return URI.create(base() + path);
    }

    public String base() {
        return "http://127.0.0.1:" + port;
    }

    public String ws(String path) {
        return "ws://127.0.0.1:" + port + path;
    }

    public long pid() {
        return process.pid();
    }

    /** SIGTERM, as a service manager stops it; returns the seconds it took to exit, -1 if it had to be killed. */
    public double stop() throws InterruptedException {
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
