package org.dvic.agent;

import org.dvic.agent.testing.AgentFixture;
import org.dvic.agent.testing.DemoLogs;
import org.dvic.agent.testing.TestGateway;
import org.dvic.protocol.event.Command;
import org.dvic.protocol.event.CommandEvent;
import org.dvic.protocol.event.Heartbeat;
import org.dvic.protocol.event.Inventory;
import org.dvic.protocol.event.MetricSample;
import org.dvic.protocol.event.NodeEvent;
import org.dvic.protocol.event.ProcessStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole agent in this JVM against {@link TestGateway} (a real WebSocket server standing in for
 * our own ingest-gateway, not for Kafka): collectors, commands and the kill switch end to end.
 */
class AgentIT {
    @TempDir
    Path dir;

    private TestGateway gateway;
    private Agent agent;

    @AfterEach
    void stop() {
        if (agent != null) {
            agent.close();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    private AgentFixture start(java.util.function.Consumer<AgentFixture> tweak) throws Exception {
        AgentFixture f = new AgentFixture(dir, "ws://127.0.0.1:1");
        gateway = new TestGateway(f.keys.getPublic()).start(0);
        f.settings.put("gateway.url", gateway.url());
        tweak.accept(f);
        agent = new Agent(f.config(), () -> { });
        agent.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> gateway.openSockets() == 1);
        return f;
    }

    private <T extends NodeEvent> List<T> received(Class<T> type) {
        return gateway.events().stream().filter(type::isInstance).map(type::cast).toList();
    }

    private List<CommandEvent.Output> output(UUID id) {
        return received(CommandEvent.Output.class).stream().filter(o -> o.commandId().equals(id)).toList();
    }

    private String text(UUID id, CommandEvent.OutputStream stream) {
        return output(id).stream().filter(o -> o.stream() == stream).map(CommandEvent.Output::data)
                .collect(Collectors.joining());
    }

    private static Command.Exec exec(AgentFixture f, String line, long timeoutMs) {
        long now = System.currentTimeMillis();
        return new Command.Exec(UUID.randomUUID(), f.node, "alice", now, now + 60_000, line, timeoutMs);
    }

    @Test
    void inventoryHeartbeatsAndMetricsArrive() throws Exception {
        // Given a running agent
        AgentFixture f = start(x -> { });

        // Then the inventory (with the command settings), heartbeats and metric samples arrive
        await().atMost(Duration.ofSeconds(10)).until(() -> received(MetricSample.class).size() >= 2
                && !received(Heartbeat.class).isEmpty() && !received(Inventory.class).isEmpty());
        Inventory inv = received(Inventory.class).get(0);
        assertEquals(f.node, inv.nodeId());
        assertTrue(inv.remoteExecAllowed() && inv.terminalAllowed());
        assertTrue(inv.cores() > 0 && inv.memoryBytes() > 0);
        MetricSample m = received(MetricSample.class).get(1);
        assertTrue(m.values().containsKey("cpu.total_pct"), m.values().keySet().toString());
        assertTrue(m.values().containsKey("mem.used_pct"));
        assertTrue(m.values().containsKey("load.1m"));
        Double temp = m.values().get("temp.cpu_c");
        assertTrue(temp == null || temp > 0, "a temperature is absent or real, never 0");
    }

    @Test
    void execStreamsOutputAndReportsTheExitCode() throws Exception {
        // Given a running agent
        AgentFixture f = start(x -> { });

        // When an exec command comes down
        Command.Exec cmd = exec(f, "echo hello; echo oops >&2; exit 3", 10_000);
        gateway.send(cmd);

        // Then stdout and stderr come back in chunks, then the exit code
        await().atMost(Duration.ofSeconds(10)).until(() -> received(CommandEvent.Completed.class).stream()
                .anyMatch(c -> c.commandId().equals(cmd.commandId())));
        assertEquals("hello\n", text(cmd.commandId(), CommandEvent.OutputStream.STDOUT));
        assertEquals("oops\n", text(cmd.commandId(), CommandEvent.OutputStream.STDERR));
        assertEquals(3, received(CommandEvent.Completed.class).stream()
                .filter(c -> c.commandId().equals(cmd.commandId())).findFirst().orElseThrow().exitCode());
        List<Long> chunks = output(cmd.commandId()).stream().map(CommandEvent.Output::chunk).sorted().toList();
        for (int i = 0; i < chunks.size(); i++) {
            assertEquals(i, chunks.get(i));
        }
    }

    @Test
    void aCommandDeliveredTwiceRunsOnce() throws Exception {
        // Given a running agent
        AgentFixture f = start(x -> { });
        Command.Exec cmd = exec(f, "echo once", 10_000);

        // When the same command is delivered twice
        gateway.send(cmd);
        gateway.send(cmd);

        // Then it ran once
        await().atMost(Duration.ofSeconds(10)).until(() -> received(CommandEvent.Completed.class).stream()
                .anyMatch(c -> c.commandId().equals(cmd.commandId())));
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(10)).until(() ->
                text(cmd.commandId(), CommandEvent.OutputStream.STDOUT).equals("once\n"));
    }

    @Test
    void anExecOverItsTimeoutIsKilled() throws Exception {
        // Given a running agent
        AgentFixture f = start(x -> { });

        // When a command outlives its timeout
        Command.Exec cmd = exec(f, "echo started; sleep 60", 3000);
        gateway.send(cmd);

        // Then it is killed and reported failed
        await().atMost(Duration.ofSeconds(10)).until(() -> received(CommandEvent.Failed.class).stream()
                .anyMatch(c -> c.commandId().equals(cmd.commandId()) && c.reason().contains("timed out")));
        assertEquals("started\n", text(cmd.commandId(), CommandEvent.OutputStream.STDOUT));
    }

    @Test
    void theKillSwitchRefusesExecAndTerminals() throws Exception {
        // Given an agent with remote exec and terminals switched off
        AgentFixture f = start(x -> {
            x.settings.put("commands.allow-remote-exec", "false");
            x.settings.put("commands.allow-terminal", "false");
        });

        // When an exec and a terminal are asked for
        Command.Exec cmd = exec(f, "touch " + dir.resolve("ran"), 10_000);
        long now = System.currentTimeMillis();
        Command.TerminalOpen open = new Command.TerminalOpen(UUID.randomUUID(), f.node, "alice", now, now + 60_000,
                80, 24, 60_000);
        gateway.send(cmd);
        gateway.send(open);

        // Then both fail with the reason, nothing ran, and the inventory says so
        await().atMost(Duration.ofSeconds(10)).until(() -> received(CommandEvent.Failed.class).size() == 2);
        assertTrue(received(CommandEvent.Failed.class).stream().allMatch(e -> e.reason().contains("disabled")));
        assertFalse(dir.resolve("ran").toFile().exists());
        Inventory inv = received(Inventory.class).get(0);
        assertFalse(inv.remoteExecAllowed());
        assertFalse(inv.terminalAllowed());
    }

    @Test
    void aTerminalTakesInputAndStreamsItsScreen() throws Exception {
        // Given a running agent with sh as its terminal shell
        AgentFixture f = start(x -> x.settings.put("commands.terminal-shell", "/bin/sh"));
        long now = System.currentTimeMillis();
        Command.TerminalOpen open = new Command.TerminalOpen(UUID.randomUUID(), f.node, "alice", now, now + 60_000,
                100, 30, 60_000);

        // When a terminal is opened, typed into, resized and closed
        gateway.send(open);
        gateway.send(new Command.TerminalInput(UUID.randomUUID(), f.node, "alice", now, now + 60_000,
                open.commandId(), "echo pty-$((6*7))\n"));
        await().atMost(Duration.ofSeconds(10)).until(() ->
                text(open.commandId(), CommandEvent.OutputStream.TERMINAL).contains("pty-42"));
        gateway.send(new Command.TerminalResize(UUID.randomUUID(), f.node, "alice", now, now + 60_000,
                open.commandId(), 120, 40));
        gateway.send(new Command.TerminalInput(UUID.randomUUID(), f.node, "alice", now, now + 60_000,
                open.commandId(), "stty size\n"));
        await().atMost(Duration.ofSeconds(10)).until(() ->
                text(open.commandId(), CommandEvent.OutputStream.TERMINAL).contains("40 120"));
        gateway.send(new Command.TerminalClose(UUID.randomUUID(), f.node, "alice", now, now + 60_000,
                open.commandId()));

        // Then the terminal's end is reported under the id that opened it
        await().atMost(Duration.ofSeconds(10)).until(() -> received(CommandEvent.Completed.class).stream()
                .anyMatch(c -> c.commandId().equals(open.commandId())));
    }

    @Test
    void aSignalStopsADemoProcessAndItsExitIsReported() throws Exception {
        // Given a followed demo process (a real sleep, with a log file naming it)
        AgentFixture f = start(x -> { });
        Process sleep = new ProcessBuilder("sleep", "300").start();
        try {
            String token = DemoLogs.newToken();
            Long startTime = org.dvic.agent.demolog.ProcessProbe.startTime(Path.of("/proc"), sleep.pid());
            DemoLogs.append(f.logs.resolve("dvic_log_" + token), DemoLogs.header(token, sleep.pid(), startTime)
                    + DemoLogs.record("sleeping"));
            await().atMost(Duration.ofSeconds(10)).until(() -> received(org.dvic.protocol.event.ProcessState.class)
                    .stream().anyMatch(p -> p.token().equals(token) && p.state() == ProcessStatus.RUNNING));

            // When an operator sends it TERM
            long now = System.currentTimeMillis();
            Command.Signal signal = new Command.Signal(UUID.randomUUID(), f.node, "alice", now, now + 60_000, token,
                    sleep.pid(), Command.SignalName.TERM);
            gateway.send(signal);

            // Then the signal is completed and the process is reported EXITED
            await().atMost(Duration.ofSeconds(10)).until(() -> received(CommandEvent.Completed.class).stream()
                    .anyMatch(c -> c.commandId().equals(signal.commandId())));
            sleep.waitFor();
            await().atMost(Duration.ofSeconds(5)).until(() -> received(org.dvic.protocol.event.ProcessState.class)
                    .stream().anyMatch(p -> p.token().equals(token) && p.state() == ProcessStatus.EXITED));
        } finally {
            sleep.destroyForcibly();
        }
    }
}
