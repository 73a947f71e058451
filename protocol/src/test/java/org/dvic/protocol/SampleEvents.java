package org.dvic.protocol;

import org.dvic.protocol.event.Command;
import org.dvic.protocol.event.CommandEvent;
import org.dvic.protocol.event.Event;
import org.dvic.protocol.event.Heartbeat;
import org.dvic.protocol.event.Inventory;
import org.dvic.protocol.event.LogLevel;
import org.dvic.protocol.event.LogRecord;
import org.dvic.protocol.event.MetricRollup;
import org.dvic.protocol.event.MetricSample;
import org.dvic.protocol.event.NodeStatus;
import org.dvic.protocol.event.ProcessState;
import org.dvic.protocol.event.ProcessStatus;
import org.dvic.protocol.event.RegistryEntry;
import org.dvic.protocol.event.Rejected;
import org.dvic.protocol.event.SessionClosed;
import org.dvic.protocol.event.SessionOpened;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/** One or more realistic instances of every event type: fully populated and with optional fields left out. */
public final class SampleEvents {
    public static final UUID NODE = UUID.fromString("5b0c3f0e-8d7a-4c1e-9a57-2f1d6c0b9e11");
    public static final UUID COMMAND = UUID.fromString("0f6c2b7a-1d2e-4f3a-8b9c-0d1e2f3a4b5c");
    public static final long TS = 1_795_000_000_000L;

    private SampleEvents() {
    }

    public static List<Event> all() {
        UUID session = UUID.fromString("7e57ab1e-0000-4000-8000-000000000001");
        return List.of(
                new Heartbeat(NODE, 1, TS, 5000),
                new MetricSample(NODE, 2, TS, Map.of("cpu.total_pct", 12.5, "mem.used_pct", 41.0, "disk./.used_pct", 77.25)),
                new LogRecord(NODE, 3, TS, "demo:Q2hhbmdlTWUxMjM0NTY3", LogLevel.ERROR, "camera \"left\" lost — retrying\n",
                        Map.of("attempt", "3"), "java.io.IOException: gone\n\tat Cam.read(Cam.java:42)", "vision-demo"),
                new LogRecord(NODE, 4, TS, "journal", LogLevel.INFO, "Started Daily apt upgrade.", null, null, null),
                new ProcessState(NODE, 5, TS, "Q2hhbmdlTWUxMjM0NTY3", 4242, 123456, "robot-arm", "/usr/bin/python3",
                        ProcessStatus.RUNNING, null, null),
                new ProcessState(NODE, 6, TS, "Q2hhbmdlTWUxMjM0NTY3", 4242, 123456, null, "/usr/bin/python3",
                        ProcessStatus.EXITED, 137, "vision-demo"),
                new Inventory(NODE, 7, TS, "demo-pc-07", "Ubuntu 24.04.1 LTS", "6.8.0-45-generic", "AMD Ryzen 7 5800X",
                        16, 33_554_432_000L, List.of(new Inventory.Disk("/", "ext4", 512_000_000_000L)),
                        List.of(new Inventory.NetworkInterface("eth0", "00:11:22:33:44:55", List.of("192.0.2.7", "fe80::1")),
                                new Inventory.NetworkInterface("lo", null, List.of("127.0.0.1"))),
                        "0.1.0", true, false),
                new SessionOpened(NODE, session, TS, "192.0.2.7:51234"),
                new SessionClosed(NODE, session, TS + 1, SessionClosed.CloseReason.AGENT_CLOSED, "bye"),
                new SessionClosed(NODE, session, TS + 2, SessionClosed.CloseReason.CONNECTION_LOST, null),
                new NodeStatus(NODE, NodeStatus.NodeState.OFFLINE, TS, NodeStatus.StatusReason.TIMEOUT, TS - 15000),
                new MetricRollup(NODE, "cpu.total_pct", MetricRollup.Resolution.MINUTE, TS - TS % 60000,
                        TS - TS % 60000 + 60000, 1.5, 99.0, 420.0, 12, 7.25),
                new MetricRollup(NODE, "cpu.total_pct", MetricRollup.Resolution.HOUR, 0, 3_600_000, 1, 2, 3, 2, 2),
                new Command.Exec(COMMAND, NODE, "alice", TS, TS + 60000, "uptime && df -h", 30000),
                new Command.Signal(COMMAND, NODE, "alice", TS, TS + 60000, "Q2hhbmdlTWUxMjM0NTY3", 4242,
                        Command.SignalName.TERM),
                new Command.TerminalOpen(COMMAND, NODE, "bob", TS, TS + 10000, 120, 40, 600_000),
                new Command.TerminalInput(UUID.randomUUID(), NODE, "bob", TS, TS + 10000, COMMAND, "ls -la\r"),
                new Command.TerminalResize(UUID.randomUUID(), NODE, "bob", TS, TS + 10000, COMMAND, 100, 30),
                new Command.TerminalClose(UUID.randomUUID(), NODE, "bob", TS, TS + 10000, COMMAND),
                new Command.Update(COMMAND, NODE, "admin", TS, TS + 600000, "0.2.0",
                        "https://dvic.lab/agent/dvic-agent-0.2.0.jar", "a".repeat(64), "S".repeat(86), "security fix"),
                new CommandEvent.Accepted(COMMAND, NODE, TS),
                new CommandEvent.Undeliverable(COMMAND, NODE, TS, "node not connected"),
                new CommandEvent.Output(COMMAND, NODE, 8, TS, 0, CommandEvent.OutputStream.STDOUT, " 10:00:01 up 3 days\n"),
                new CommandEvent.Completed(COMMAND, NODE, 9, TS, 0, 35),
                new CommandEvent.Failed(COMMAND, NODE, 10, TS, "remote execution is disabled on this node"),
                new CommandEvent.Expired(COMMAND, NODE, TS),
                new RegistryEntry(NODE, RegistryEntry.NodeKind.AGENT, "demo-pc-07", "MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=",
                        null, Map.of("room", "hall-a"), false, 20000L, TS, "admin"),
                new RegistryEntry(UUID.randomUUID(), RegistryEntry.NodeKind.BOARD, "esp32-door", null, "b".repeat(64),
                        Map.of(), true, null, TS, "admin"),
                new Rejected(TS, NODE, "192.0.2.7:51234", "invalid-json", "$: invalid JSON at offset 3", "{\"v\":1,"),
                new Rejected(TS, null, "192.0.2.9:4000", "bad-signature", "signature does not verify", "")
        );
    }
}
