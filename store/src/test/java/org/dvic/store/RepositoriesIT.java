package org.dvic.store;

import com.datastax.oss.driver.api.core.CqlSession;
import org.dvic.devstack.junit.DevStackExtension;
import org.dvic.devstack.junit.TestStack;
import org.dvic.protocol.event.Command;
import org.dvic.protocol.event.CommandEvent;
import org.dvic.protocol.event.Inventory;
import org.dvic.protocol.event.LogLevel;
import org.dvic.protocol.event.LogRecord;
import org.dvic.protocol.event.MetricRollup;
import org.dvic.protocol.event.MetricSample;
import org.dvic.protocol.event.NodeStatus;
import org.dvic.protocol.event.ProcessState;
import org.dvic.protocol.event.ProcessStatus;
import org.dvic.protocol.event.RegistryEntry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every repository against a real Cassandra node: what is written reads back, and a replay changes nothing. */
@ExtendWith(DevStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RepositoriesIT {
    private static final long T = 1_795_000_000_000L; // 2026-11-19
    private final UUID node = UUID.randomUUID();
    private CqlSession session;
    private String ks;

    @BeforeAll
    void open(TestStack stack) {
        StoreSettings settings = StoreSettings.local(stack.cassandraPort(), stack.keyspace());
        session = CassandraStore.open(settings);
        ks = settings.keyspace();
    }

    @AfterAll
    void close() {
        session.close();
    }

    private static <T> T await(CompletionStage<T> stage) {
        return stage.toCompletableFuture().join();
    }

    @Test
    void rawMetricsReplayOverwritesAndRangeCrossesDays() {
        var repo = new RawMetricRepository(session, ks);
        MetricSample today = new MetricSample(node, 1, T, Map.of("cpu.total_pct", 10.0, "mem.used_pct", 50.0));
        MetricSample yesterday = new MetricSample(node, 0, T - 86_400_000L, Map.of("cpu.total_pct", 5.0));
        await(repo.save(today));
        await(repo.save(today)); // replay
        await(repo.save(yesterday));
        assertEquals(List.of(new RawMetricRepository.Point(T, 10.0), new RawMetricRepository.Point(T - 86_400_000L, 5.0)),
                repo.range(node, "cpu.total_pct", T - 2 * 86_400_000L, T));
    }

    @Test
    void rollupsOfBothResolutionsReadBack() {
        for (var resolution : MetricRollup.Resolution.values()) {
            var repo = new RollupRepository(session, ks, resolution);
            long start = T - T % resolution.window().toMillis();
            var rollup = new MetricRollup(node, "cpu.total_pct", resolution, start, start + resolution.window().toMillis(),
                    1, 9, 20, 4, 3);
            await(repo.save(rollup));
            await(repo.save(rollup));
            assertEquals(List.of(rollup), repo.range(node, "cpu.total_pct", start - 1, start + 1));
        }
    }

    @Test
    void logsReplayOverwritesAndSourcesAreFound() {
        var repo = new LogRepository(session, ks);
        var line = new LogRecord(node, 7, T, "demo:abc123", LogLevel.WARN, "temp high", Map.of("c", "81"), null, null);
        var other = new LogRecord(node, 8, T + 1, "journal", LogLevel.INFO, "cron ran", null, null, "box");
        await(repo.save(line));
        await(repo.save(line));
        await(repo.save(other));
        assertEquals(List.of(line), repo.range(node, "demo:abc123", T - 3_600_000L, T + 3_600_000L, 100));
        assertEquals(List.of(other), repo.range(node, "journal", T, T + 10, 100));
        assertEquals(List.of("demo:abc123", "journal"), repo.sources(node, T, T).stream().sorted().toList());
    }

    @Test
    void statusAndProcessHistoryReadBackNewestFirst() {
        var status = new NodeStatusHistoryRepository(session, ks);
        var on = new NodeStatus(node, NodeStatus.NodeState.ONLINE, T, NodeStatus.StatusReason.EVENT, T);
        var off = new NodeStatus(node, NodeStatus.NodeState.OFFLINE, T + 15000, NodeStatus.StatusReason.TIMEOUT, T + 5000);
        await(status.save(on));
        await(status.save(off));
        await(status.save(off));
        assertEquals(List.of(off, on), status.range(node, T - 1, T + 20000));

        var processes = new ProcessHistoryRepository(session, ks);
        var running = new ProcessState(node, 3, T, "tok", 42, 1000, "arm", "/usr/bin/python3", ProcessStatus.RUNNING, null, null);
        var exited = new ProcessState(node, 4, T + 10, "tok", 42, 1000, "arm", "/usr/bin/python3", ProcessStatus.EXITED, 1, "c1");
        await(processes.save(running));
        await(processes.save(exited));
        await(processes.save(running));
        assertEquals(List.of(exited, running), processes.range(node, T - 1, T + 20));
    }

    @Test
    void nodeRowJoinsRegistryAndInventoryAndNewestWins() {
        var repo = new NodeRepository(session, ks);
        var entry = new RegistryEntry(node, RegistryEntry.NodeKind.AGENT, "pc-1", "MCowBQYDK2VwAyEA", null,
                Map.of("room", "a"), false, 9000L, T, "admin");
        var inventory = new Inventory(node, 1, T, "pc-1.lab", "Debian 12", "6.1", "Ryzen", 8, 16L << 30,
                List.of(new Inventory.Disk("/", "ext4", 1L << 40)),
                List.of(new Inventory.NetworkInterface("eth0", "aa:bb", List.of("192.0.2.1"))), "0.1.0", true, true);
        var olderInventory = new Inventory(node, 0, T - 1000, "old-name", "Debian 11", "5.10", "Ryzen", 8, 1, List.of(),
                List.of(), "0.0.9", false, false);
        await(repo.save(entry));
        await(repo.save(inventory));
        await(repo.save(olderInventory)); // a late replay of an older fact
        var stored = repo.find(node).orElseThrow();
        assertEquals("pc-1", stored.name());
        assertEquals(Map.of("room", "a"), stored.labels());
        assertEquals(inventory.hostname(), stored.inventory().hostname());
        assertEquals(inventory.disks(), stored.inventory().disks());
        assertEquals(inventory.interfaces(), stored.inventory().interfaces());
        assertTrue(repo.all().stream().anyMatch(n -> n.nodeId().equals(node)));
    }

    @Test
    void auditShowsTheEndOfACommandWhateverTheClocksOfGatewayAndAgentSay() {
        var audit = new CommandAuditRepository(session, ks);
        // The agent's clock runs 5 s behind the relay's: its completion is stamped before the issue
        UUID behind = UUID.randomUUID();
        await(audit.recordIssued(new Command.Exec(behind, node, "alice", T, T + 60000, "true", 10000)));
        await(audit.recordOutcome(new CommandEvent.Accepted(behind, node, T + 3)));
        await(audit.recordOutcome(new CommandEvent.Completed(behind, node, 4, T - 5000, 0, 2)));
        var entry = audit.find(behind).orElseThrow();
        assertEquals("COMPLETED", entry.status());
        assertEquals(0, entry.exitCode());
        // A quick command: the agent stamps its failure before the gateway stamps its delivery, and
        // the accepted event is written last
        UUID quick = UUID.randomUUID();
        await(audit.recordIssued(new Command.Exec(quick, node, "alice", T, T + 60000, "false", 10000)));
        await(audit.recordOutcome(new CommandEvent.Failed(quick, node, 5, T + 10, "exit 1")));
        await(audit.recordOutcome(new CommandEvent.Accepted(quick, node, T + 11)));
        await(audit.recordOutcome(new CommandEvent.Failed(quick, node, 5, T + 10, "exit 1"))); // a replay
        entry = audit.find(quick).orElseThrow();
        assertEquals("FAILED", entry.status());
        assertEquals("exit 1", entry.detail());
        assertEquals(T + 10, entry.finishedAt());
        // Accepted alone moves ISSUED on and finishes nothing
        UUID pending = UUID.randomUUID();
        await(audit.recordIssued(new Command.Exec(pending, node, "alice", T, T + 60000, "sleep 9", 10000)));
        await(audit.recordOutcome(new CommandEvent.Accepted(pending, node, T - 100)));
        entry = audit.find(pending).orElseThrow();
        assertEquals("ACCEPTED", entry.status());
        assertNull(entry.finishedAt());
    }

    @Test
    void aCommandIsFoundByItsIdHoweverManyCameAfterItOnItsNode() {
        // (a node that ran bulk operations for months: the lookup reads one row by its key, not the
        // node's newest rows)
        var audit = new CommandAuditRepository(session, ks);
        UUID busy = UUID.randomUUID();
        UUID first = UUID.randomUUID();
        await(audit.recordIssued(new Command.Exec(first, busy, "alice", T, T + 60000, "uptime", 10000)));
        List<java.util.concurrent.CompletableFuture<?>> writes = new ArrayList<>();
        for (int i = 1; i <= 10_050; i++) {
            writes.add(audit.recordIssued(new Command.Exec(UUID.randomUUID(), busy, "bob", T + i, T + 60000, "id", 10000))
                    .toCompletableFuture());
            if (writes.size() == 256) {
                writes.forEach(java.util.concurrent.CompletableFuture::join);
                writes.clear();
            }
        }
        writes.forEach(java.util.concurrent.CompletableFuture::join);
        var found = audit.find(first).orElseThrow();
        assertEquals("uptime", found.summary());
        assertEquals(busy, found.nodeId());
        assertEquals("ISSUED", found.status());
    }

    @Test
    void auditRecordsIssueAndOutcomeAndOutputChunksInOrder() {
        var audit = new CommandAuditRepository(session, ks);
        var output = new CommandOutputRepository(session, ks);
        UUID id = UUID.randomUUID();
        var exec = new Command.Exec(id, node, "alice", T, T + 60000, "echo hi", 10000);
        await(audit.recordIssued(exec));
        assertEquals("ISSUED", audit.find(id).orElseThrow().status());
        await(audit.recordOutcome(new CommandEvent.Completed(id, node, 9, T + 50, 0, 40)));
        await(audit.recordOutcome(new CommandEvent.Accepted(id, node, T + 5))); // arrives late, older
        var entry = audit.find(id).orElseThrow();
        assertEquals("COMPLETED", entry.status());
        assertEquals(0, entry.exitCode());
        assertEquals("echo hi", entry.summary());
        assertEquals("alice", entry.issuedBy());
        assertFalse(await(audit.recordOutcome(new CommandEvent.Expired(UUID.randomUUID(), node, T))));
        await(audit.recordOutcome(new CommandEvent.Accepted(id, node, T + 60))); // the gateway's later stamp
        assertEquals("COMPLETED", audit.find(id).orElseThrow().status(), "an accepted never hides an end");

        var c1 = new CommandEvent.Output(id, node, 7, T + 10, 1, CommandEvent.OutputStream.STDOUT, "world\n");
        var c0 = new CommandEvent.Output(id, node, 6, T + 9, 0, CommandEvent.OutputStream.STDOUT, "hello ");
        await(output.save(c1));
        await(output.save(c0));
        await(output.save(c1));
        var chunks = output.read(id, node);
        assertEquals(List.of(0L, 1L), chunks.stream().map(CommandEvent.Output::chunk).toList());
        assertEquals("hello world\n", chunks.get(0).data() + chunks.get(1).data());
        assertNull(audit.find(UUID.randomUUID()).orElse(null));
    }
}
