package org.dvic.bench;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.dvic.store.CassandraStore;
import org.dvic.store.StoreSettings;
import org.dvic.store.TimeBuckets;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The physical baselines every benchmark is compared against, measured in the same run on the
 * same engines: Kafka's own {@code ProducerPerformance} (in a JVM of its own, acks=all) and raw
 * prepared asynchronous inserts with the Cassandra driver (256 in flight) into a table shaped like
 * {@code metrics_raw}.
 */
public final class Baselines {
    public static final int RECORD_SIZE = 200;
    public static final int CASSANDRA_IN_FLIGHT = 256;
    private static final Pattern SUMMARY = Pattern.compile("(\\d+) records sent, ([\\d.]+) records/sec");

    private Baselines() {
    }

    /** Records/s of one ProducerPerformance run: acks=all, idempotent, linger 5 ms, 200-byte records. */
    public static double kafkaProducer(String bootstrap, String topic, int partitions, int records) throws Exception {
        createTopic(bootstrap, topic, partitions);
        List<String> cmd = List.of(javaBinary(), "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                "org.apache.kafka.tools.ProducerPerformance", "--topic", topic, "--num-records", String.valueOf(records),
                "--record-size", String.valueOf(RECORD_SIZE), "--throughput", "-1", "--producer-props",
                "bootstrap.servers=" + bootstrap, "acks=all", "enable.idempotence=true", "linger.ms=5",
                "batch.size=65536", "compression.type=none");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String last = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                if (SUMMARY.matcher(line).find()) {
                    last = line;
                }
            }
        }
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0 || last == null) {
            throw new IllegalStateException("ProducerPerformance failed (exit " + p.exitValue() + ")");
        }
        Matcher m = SUMMARY.matcher(last);
        m.find();
        return Double.parseDouble(m.group(2));
    }

    /** Rows/s of prepared async inserts with {@link #CASSANDRA_IN_FLIGHT} in flight. */
    public static double cassandraInserts(int port, String keyspace, int rows) throws Exception {
        StoreSettings settings = StoreSettings.local(port, keyspace);
        try (CqlSession session = CassandraStore.open(settings)) {
            session.execute("CREATE TABLE IF NOT EXISTS " + keyspace + ".baseline_inserts (node_id uuid, metric text,"
                    + " day date, ts timestamp, value double, seq bigint, PRIMARY KEY ((node_id, metric, day), ts))");
            PreparedStatement insert = session.prepare("INSERT INTO " + keyspace
                    + ".baseline_inserts (node_id, metric, day, ts, value, seq) VALUES (?, ?, ?, ?, ?, ?)");
            List<UUID> nodes = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                nodes.add(UUID.randomUUID());
            }
            Semaphore inFlight = new Semaphore(CASSANDRA_IN_FLIGHT);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            long now = System.currentTimeMillis();
            long t0 = System.nanoTime();
            for (int i = 0; i < rows && failure.get() == null; i++) {
                inFlight.acquire();
                long ts = now + i;
                session.executeAsync(insert.bind(nodes.get(i % nodes.size()), "cpu.total_pct", TimeBuckets.day(ts),
                        Instant.ofEpochMilli(ts), (double) (i % 100), (long) i)).whenComplete((rs, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                    inFlight.release();
                });
            }
            inFlight.acquire(CASSANDRA_IN_FLIGHT);
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (failure.get() != null) {
                throw new IllegalStateException("baseline insert failed", failure.get());
            }
            return rows / seconds;
        }
    }

    static void createTopic(String bootstrap, String topic, int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(60, TimeUnit.SECONDS);
        }
    }

    static String javaBinary() {
        return java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
