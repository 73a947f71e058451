package org.dvic.store;

import com.datastax.oss.driver.api.core.CqlSession;
import org.dvic.devstack.junit.DevStackExtension;
import org.dvic.devstack.junit.TestStack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(DevStackExtension.class)
class MigrationsIT {
    private final TestStack stack;

    MigrationsIT(TestStack stack) {
        this.stack = stack;
    }

    @Test
    void twoServicesStartingAtOnceApplyEachMigrationExactlyOnce() throws Exception {
        // Given a fresh keyspace and two services with sessions of their own
        StoreSettings settings = StoreSettings.local(stack.cassandraPort(), stack.keyspace() + "_race");
        int total = new Migrations(null, settings.keyspace(), settings.replication()).load().size();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (CqlSession a = CassandraStore.connect(settings); CqlSession b = CassandraStore.connect(settings)) {
            // When both migrate at the same moment
            List<Future<List<Integer>>> runs = new ArrayList<>();
            for (CqlSession s : List.of(a, b)) {
                Callable<List<Integer>> run = () -> new Migrations(s, settings.keyspace(), settings.replication()).apply();
                runs.add(pool.submit(run));
            }
            List<Integer> applied = new ArrayList<>();
            for (Future<List<Integer>> run : runs) {
                applied.addAll(run.get());
            }
            // Then every version was applied by exactly one of them and recorded once
            assertEquals(total, applied.size(), "applied " + applied);
            assertEquals(total, applied.stream().distinct().count());
            assertEquals(total, a.execute("SELECT count(*) FROM " + settings.keyspace() + ".schema_migrations").one().getLong(0));
            // And a third start applies nothing
            assertTrue(new Migrations(a, settings.keyspace(), settings.replication()).apply().isEmpty());
            // And the lock is free again
            assertEquals(0, a.execute("SELECT count(*) FROM " + settings.keyspace() + ".schema_migration_lock").one().getLong(0));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void everyTableOfTheDesignExists() {
        StoreSettings settings = StoreSettings.local(stack.cassandraPort(), stack.keyspace());
        try (CqlSession session = CassandraStore.open(settings)) {
            var tables = session.getMetadata().getKeyspace(settings.keyspace()).orElseThrow().getTables().keySet()
                    .stream().map(id -> id.asInternal()).toList();
            for (String t : List.of("metrics_raw", "metrics_1m", "metrics_1h", "logs", "log_sources", "node_status_history",
                    "process_history", "nodes", "command_audit", "command_audit_index", "command_output", "schema_migrations")) {
                assertTrue(tables.contains(t), "missing table " + t + " in " + tables);
            }
        }
    }
}
