package org.dvic.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * {@code bench baseline}: the two physical baselines, three runs each, medians. Other benchmarks
 * call {@link #measure} to take the same baselines in their own run.
 */
public final class BaselineBenchmark implements Benchmark {
    private static final int RUNS = 3;

    @Override
    public String name() {
        return "baseline";
    }

    @Override
    public BenchResult run(BenchContext context) throws Exception {
        BenchResult result = measure(context);
        return result.summary(String.format("baseline: kafka_producer_rec_per_s=%.0f cassandra_insert_rows_per_s=%.0f"
                        + " (medians of %d runs, %d-byte records, acks=all; %d inserts in flight)",
                (double) result.get("kafka_producer_rec_per_s"), (double) result.get("cassandra_insert_rows_per_s"),
                RUNS, Baselines.RECORD_SIZE, Baselines.CASSANDRA_IN_FLIGHT));
    }

    /** Both baselines with medians and the individual runs. */
    public static BenchResult measure(BenchContext context) throws Exception {
        int records = context.size(200_000, 1_000_000);
        int rows = context.size(30_000, 200_000);
        String bootstrap = context.engines().kafka().bootstrapServers();
        int port = context.engines().cassandra().nativePort();
        // One warm-up run each: the first run pays for JIT and for segment/commitlog allocation.
        Baselines.kafkaProducer(bootstrap, "bench.baseline.warmup", 1, records / 4);
        Baselines.cassandraInserts(port, "bench_baseline", rows / 4);
        List<Double> kafka = runs(i -> call(() -> Baselines.kafkaProducer(bootstrap, "bench.baseline." + i, 1, records)));
        List<Double> cassandra = runs(i -> call(() -> Baselines.cassandraInserts(port, "bench_baseline", rows)));
        return new BenchResult()
                .put("kafka_producer_rec_per_s", Stats.round(Stats.median(kafka), 0))
                .put("kafka_producer_runs", kafka.stream().map(v -> Stats.round(v, 0)).toList())
                .put("kafka_producer_records_per_run", records)
                .put("record_size_bytes", Baselines.RECORD_SIZE)
                .put("cassandra_insert_rows_per_s", Stats.round(Stats.median(cassandra), 0))
                .put("cassandra_insert_runs", cassandra.stream().map(v -> Stats.round(v, 0)).toList())
                .put("cassandra_insert_rows_per_run", rows)
                .put("cassandra_in_flight", Baselines.CASSANDRA_IN_FLIGHT);
    }

    private static List<Double> runs(Function<Integer, Double> run) {
        List<Double> values = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            values.add(run.apply(i));
        }
        return values;
    }

    private interface Measurement {
        double run() throws Exception;
    }

    private static double call(Measurement m) {
        try {
            return m.run();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
