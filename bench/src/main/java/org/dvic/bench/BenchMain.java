package org.dvic.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.dvic.devstack.DevStack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The benchmark runner: {@code bench <name> [--quick]}. Starts engines of its own on free ports,
 * runs the benchmark, prints its summary line last and writes {@code bench/results/<name>.json}.
 */
public final class BenchMain {
    private static final List<Benchmark> BENCHMARKS = List.of(new BaselineBenchmark(), new org.dvic.bench.streams.StreamsBenchmark(),
            new org.dvic.bench.gateway.GatewayBenchmark(), new org.dvic.bench.relay.RelayBenchmark(),
            new org.dvic.bench.agent.AgentBenchmark());

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        List<String> rest = List.of(args).stream().filter(a -> !a.equals("--quick")).toList();
        boolean quick = rest.size() < args.length;
        Map<String, Benchmark> byName = BENCHMARKS.stream().collect(Collectors.toMap(Benchmark::name, b -> b,
                (a, b) -> a, LinkedHashMap::new));
        if (rest.size() != 1 || !byName.containsKey(rest.get(0))) {
            System.err.println("usage: bench <" + String.join("|", byName.keySet()) + "> [--quick]");
            System.exit(2);
        }
        Benchmark benchmark = byName.get(rest.get(0));
        Path results = Path.of(System.getProperty("dvic.bench.results", "bench/results"));
        Path work = Files.createTempDirectory("dvic-bench-");
        long t0 = System.nanoTime();
        BenchResult result;
        try (DevStack engines = new DevStack(DevStack.Settings.ephemeral(work.resolve("state")))) {
            engines.start();
            System.out.printf("[bench] engines ready in %.1f s%n", (System.nanoTime() - t0) / 1e9);
            result = benchmark.run(new BenchContext(engines, work, quick));
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", benchmark.name());
        json.put("quick", quick);
        json.put("measured_at", Instant.now().toString());
        json.put("machine", Map.of("cores", Runtime.getRuntime().availableProcessors(),
                "java", System.getProperty("java.version")));
        json.putAll(result.figures());
        json.put("wall_seconds", Math.round((System.nanoTime() - t0) / 1e9));
        Files.createDirectories(results);
        Path file = results.resolve(benchmark.name() + ".json");
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), json);
        System.out.println("[bench] figures written to " + file);
        System.out.println(result.summary());
    }
}
