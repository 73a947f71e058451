package org.dvic.agent.command;

import org.dvic.agent.spool.EventSink;
import org.dvic.agent.spool.Spool;
import org.dvic.protocol.event.Command;
import org.dvic.protocol.event.CommandEvent;
import org.dvic.protocol.event.NodeEvent;
import org.dvic.protocol.wire.AgentCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CommandRunnerTest {
    @TempDir
    Path dir;

    private final UUID node = UUID.randomUUID();
    private final AgentCodec codec = new AgentCodec();
    private Spool spool;
    private CommandRunner runner;
    private ScheduledThreadPoolExecutor timers;

    @AfterEach
    void close() throws IOException {
        runner.close();
        timers.shutdownNow();
        spool.close();
    }

    private void start(ScheduledThreadPoolExecutor t) throws IOException {
        timers = t;
        spool = new Spool(dir.resolve("spool"), 1 << 24, 1 << 20,
                (dropped, first, last, seq) -> "{}".getBytes(StandardCharsets.UTF_8));
        EventSink sink = new EventSink(node, spool, codec);
        runner = new CommandRunner(new CommandRunner.Settings(true, true, "/bin/sh", "/bin/sh", 60_000), sink,
                new SeenCommands(dir.resolve("seen"), 100), null, null, timers);
    }

    private List<NodeEvent> events() {
        return spool.read(-1, 10_000, 1 << 24).stream()
                .map(e -> (NodeEvent) codec.decode(e.payload(), NodeEvent.class)).toList();
    }

    private <T> List<T> events(Class<T> type) {
        return events().stream().filter(type::isInstance).map(type::cast).toList();
    }

    @Test
    void aCommandKilledAtItsTimeoutIsReportedTimedOutEvenWhileTheKillIsStillUnderWay() throws IOException {
        // Given a timer thread that is still inside the kill task when the killed shell is already gone
        // (the kill takes the children first: the shell reports "Killed" and exits on its own)
        start(new ScheduledThreadPoolExecutor(1) {
            @Override
            public ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
                return super.schedule(() -> {
                    task.run();
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, delay, unit);
            }
        });
        long now = System.currentTimeMillis();
        Command.Exec cmd = new Command.Exec(UUID.randomUUID(), node, "alice", now, now + 60_000,
                "echo started; sleep 60; echo never", 300);

        // When it outlives its timeout
        runner.accept(cmd);

        // Then its outcome is "timed out", not the exit code the kill caused
        await().atMost(java.time.Duration.ofSeconds(10)).until(() ->
                !events(CommandEvent.Failed.class).isEmpty() || !events(CommandEvent.Completed.class).isEmpty());
        assertEquals(List.of(), events(CommandEvent.Completed.class));
        assertTrue(events(CommandEvent.Failed.class).get(0).reason().contains("timed out"),
                events(CommandEvent.Failed.class).toString());
    }

    @Test
    void aCommandEndingBeforeItsTimeoutReportsItsExitCode() throws IOException {
        // Given a runner with the agent's kind of timer
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1);
        t.setRemoveOnCancelPolicy(true);
        start(t);
        long now = System.currentTimeMillis();
        Command.Exec cmd = new Command.Exec(UUID.randomUUID(), node, "alice", now, now + 60_000, "exit 7", 10_000);

        // When a quick command ends by itself
        runner.accept(cmd);

        // Then it completes with its own exit code and the kill timer is gone
        await().atMost(java.time.Duration.ofSeconds(10)).until(() -> !events(CommandEvent.Completed.class).isEmpty());
        assertEquals(7, events(CommandEvent.Completed.class).get(0).exitCode());
        assertEquals(List.of(), events(CommandEvent.Failed.class));
        assertEquals(0, timers.getQueue().size(), "the kill timer was cancelled and removed");
    }
}
