package org.dvic.localstack;

import com.datastax.oss.driver.api.core.CqlSession;
import org.dvic.devstack.ChildProcess;
import org.dvic.devstack.DevStack;
import org.dvic.devstack.TopicCatalogue;
import org.dvic.store.CassandraStore;
import org.dvic.store.StoreSettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * The whole system on this machine: a real Kafka broker and Cassandra node, the topic catalogue,
 * the Cassandra schema, every service, and on request a simulated fleet. Prints where each part
 * listens and runs until Ctrl-C or SIGTERM, then stops everything it started.
 */
@Command(name = "start", mixinStandardHelpOptions = true,
        description = "Starts the DVIC local stack and runs until Ctrl-C.")
public final class LocalStackMain implements Callable<Integer> {
    @Option(names = "--state-dir", description = "Where engines keep their data (default: ${DEFAULT-VALUE}).")
    Path stateDir = Path.of("state");

    @Option(names = "--wipe", description = "Delete the state directory first: a fresh, empty stack.")
    boolean wipe;

    @Option(names = "--fleet", paramLabel = "N", description = "Also run N simulated agents (and N/10 ESP32 boards).")
    int fleet;

    @Option(names = "--root", description = "Repository root (default: current directory).", hidden = true)
    Path root = Path.of(".");

    private final List<ChildProcess> services = Collections.synchronizedList(new ArrayList<>());

    public static void main(String[] args) {
        System.exit(new CommandLine(new LocalStackMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (wipe) {
            wipeDir(stateDir);
        }
        Files.createDirectories(stateDir);
        long t0 = System.nanoTime();
        DevStack.Settings settings = DevStack.Settings.standard(stateDir.toAbsolutePath());
        DevStack engines = new DevStack(settings);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("\n[stack] stopping...");
            stopServices();
            engines.close();
            System.out.println("[stack] stopped; nothing left running");
            stopped.countDown();
        }, "stack-stop"));

        System.out.println("[stack] starting Kafka and Cassandra (state in " + stateDir.toAbsolutePath() + ")");
        engines.start();
        System.out.printf("[stack] Kafka     ready at %s (%.1f s)%n", engines.kafka().bootstrapServers(), secondsSince(t0));
        System.out.printf("[stack] Cassandra ready at %s (%.1f s)%n", engines.cassandra().contactPoint(), secondsSince(t0));
        List<String> created = TopicCatalogue.create(engines.kafka().bootstrapServers(), "", (short) 1);
        System.out.println("[stack] topics: " + (created.isEmpty() ? "all present" : "created " + created.size()));
        try (CqlSession ignored = CassandraStore.open(StoreSettings.local(settings.cassandraPort(), "dvic"))) {
            System.out.println("[stack] keyspace dvic migrated");
        }
        Map<String, String> env = new HashMap<>();
        env.put("DVIC_KAFKA_BOOTSTRAP_SERVERS", engines.kafka().bootstrapServers());
        env.put("DVIC_CASSANDRA_CONTACT_POINTS", engines.cassandra().contactPoint());
        env.put("DVIC_CASSANDRA_KEYSPACE", "dvic");
        for (Services.Service service : Services.ALL) {
            startService(service, env);
        }
        if (fleet > 0) {
            startFleet(env);
        }
        System.out.println("[stack] dashboard          http://127.0.0.1:8081/");
        System.out.printf("[stack] ready in %.1f s — Ctrl-C stops everything%n", secondsSince(t0));
        stopped.await();
        return 0;
    }

    private void startService(Services.Service service, Map<String, String> commonEnv) throws Exception {
        Path module = root.resolve(service.module()).toAbsolutePath();
        Path classpathFile = module.resolve("target/service.classpath");
        if (!Files.exists(classpathFile)) {
            throw new IllegalStateException(service.name() + " is not built: run the start script, which builds first");
        }
        String classpath = module.resolve("target/classes") + ":" + Files.readString(classpathFile).trim();
        Path serviceState = stateDir.resolve(service.name()).toAbsolutePath();
        Map<String, String> env = new HashMap<>(commonEnv);
        env.put("MICRONAUT_SERVER_PORT", String.valueOf(service.port()));
        for (var e : service.env().entrySet()) {
            env.put(e.getKey(), resolve(e.getValue(), serviceState));
        }
        ChildProcess process = ChildProcess.start(service.name(), List.of(javaBinary(), "-Xmx" + service.heapMb() + "m",
                        "-XX:+UseSerialGC", "-cp", classpath, service.mainClass()), env, serviceState,
                serviceState.resolve(service.name() + ".log"));
        services.add(process);
        if (service.healthPath() != null) {
            awaitHealthy(service, process);
        }
        System.out.printf("[stack] %-18s http://127.0.0.1:%d  (log %s)%n", service.name(), service.port(), process.log());
        Notices.relay(process.log(), System.out);
    }

    /** Fills the placeholders of a service setting (see {@link Services.Service}). */
    private String resolve(String value, Path serviceState) throws java.io.IOException {
        String resolved = value.replace("{state}", serviceState.toString())
                .replace("{root}", root.toAbsolutePath().normalize().toString());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\{secret:([a-z0-9-]+)}").matcher(resolved);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(
                    Secrets.get(stateDir.resolve("secrets"), m.group(1))));
        }
        m.appendTail(out);
        return out.toString();
    }

    private void startFleet(Map<String, String> env) throws Exception {
        Path bench = root.resolve("bench").toAbsolutePath();
        String classpath = bench.resolve("target/classes") + ":" + Files.readString(bench.resolve("target/bench.classpath")).trim();
        Path fleetState = stateDir.resolve("fleet").toAbsolutePath();
        int boards = Math.max(1, fleet / 10);
        ChildProcess process = ChildProcess.start("fleet", List.of(javaBinary(), "-Xmx256m", "-XX:+UseSerialGC",
                        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", classpath,
                        "org.dvic.bench.fleet.FleetSimulator", "demo", "--kafka", env.get("DVIC_KAFKA_BOOTSTRAP_SERVERS"),
                        "--gateway", "http://127.0.0.1:8080", "--agents", String.valueOf(fleet), "--boards",
                        String.valueOf(boards), "--state", fleetState.toString()), Map.of(), fleetState,
                fleetState.resolve("fleet.log"));
        services.add(process);
        System.out.printf("[stack] fleet              %d simulated agents, %d ESP32 boards (log %s)%n", fleet, boards,
                process.log());
    }

    private static void awaitHealthy(Services.Service service, ChildProcess process) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        URI uri = URI.create("http://127.0.0.1:" + service.port() + service.healthPath());
        Instant deadline = Instant.now().plusSeconds(90);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(service.name() + " exited during start-up:\n" + process.logTail(30));
            }
            try {
                if (http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(service.name() + " not healthy after 90 s:\n" + process.logTail(30));
    }

    private void stopServices() {
        List<ChildProcess> reversed = new ArrayList<>(services);
        Collections.reverse(reversed);
        reversed.forEach(p -> p.stop(Duration.ofSeconds(20)));
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static double secondsSince(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static void wipeDir(Path dir) throws java.io.IOException {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
