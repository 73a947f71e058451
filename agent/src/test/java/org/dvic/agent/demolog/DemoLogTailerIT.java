package org.dvic.agent.demolog;

import org.dvic.protocol.wire.AgentCodec;
import org.dvic.agent.spool.EventSink;
import org.dvic.agent.spool.Spool;
import org.dvic.agent.testing.DemoLogs;
import org.dvic.protocol.event.LogRecord;
import org.dvic.protocol.event.NodeEvent;
import org.dvic.protocol.event.ProcessState;
import org.dvic.protocol.event.ProcessStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tailer on real files in a real directory, written by the real Python library and by hand. */
class DemoLogTailerIT {
    private static final Path PYTHON_LIB = Path.of("..", "client-libs", "python", "src").toAbsolutePath().normalize();

    @TempDir
    Path logs;
    @TempDir
    Path state;

    private final UUID node = UUID.randomUUID();
    private Spool spool;
    private DemoLogTailer tailer;
    private final List<Process> started = new ArrayList<>();

    @BeforeEach
    void openSpool() throws IOException {
        spool = new Spool(state.resolve("spool"), 64 << 20, 1 << 20, EventSink.dropNotice(node, new AgentCodec()));
    }

    private DemoLogTailer startTailer(boolean deleteExited) throws IOException {
        tailer = new DemoLogTailer(new DemoLogTailer.Settings(List.of(logs), 1000, 250, deleteExited,
                state.resolve("demo-logs")), new EventSink(node, spool, new AgentCodec()));
        tailer.start();
        return tailer;
    }

    @AfterEach
    void stop() throws IOException {
        if (tailer != null) {
            tailer.close();
        }
        started.forEach(Process::destroyForcibly);
        spool.close();
    }

    private List<NodeEvent> events() {
        return DemoLogs.spooled(spool);
    }

    /**
     * A Python demo that logs {@code lines} lines through dvic_log, then waits for stdin to close. It
     * flushes every 10 lines and pauses a little: the library keeps only one rotated file, so a
     * burst that rotates twice before the agent reacts loses a file by design (FORMAT.md §6).
     */
    private Process python(int lines, int maxFileBytes) throws IOException {
        String script = String.join("\n",
                "import sys, time, dvic_log",
                "log = dvic_log.Logger(demo='robot-arm', max_file_bytes=" + maxFileBytes + ")",
                "for i in range(" + lines + "):",
                "    log.info('line %d' % i, i=i)",
                "    if i % 10 == 9:",
                "        log.flush()",
                "        time.sleep(0.01)",
                "log.flush()",
                "print(log.path, flush=True)",
                "sys.stdin.read()");
        ProcessBuilder pb = new ProcessBuilder("python3", "-c", script);
        pb.environment().put("PYTHONPATH", PYTHON_LIB.toString());
        pb.environment().put("DVIC_LOG_DIR", logs.toString());
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process p = pb.start();
        started.add(p);
        return p;
    }

    private static String readLine(Process p) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = p.getInputStream().read()) >= 0 && c != '\n') {
            sb.append((char) c);
        }
        return sb.toString();
    }

    @Test
    void aPythonDemoIsFollowedThroughRotationAndItsExitSeenWithinASecond() throws Exception {
        // Given the tailer runs and a Python demo logs 300 lines into files rotated every 8 KiB
        // (~3 rotations, ~100 ms apart: a busy CI machine may stall the tailer for tens of ms)
        startTailer(true);
        Process demo = python(300, 8192);
        Path file = Path.of(readLine(demo));
        String token = file.getFileName().toString().substring("dvic_log_".length());

        // Then every line arrives once, in order, after the process was reported RUNNING
        List<String> expected = IntStream.range(0, 300).mapToObj(i -> "line " + i).toList();
        await().atMost(Duration.ofSeconds(10)).until(() -> DemoLogs.demoMessages(events(), token).size() >= 300);
        List<NodeEvent> all = events();
        assertEquals(expected, DemoLogs.demoMessages(all, token));
        List<ProcessState> states = DemoLogs.states(all, token);
        assertEquals(ProcessStatus.RUNNING, states.get(0).state());
        assertEquals(demo.pid(), states.get(0).pid());
        assertEquals("robot-arm", states.get(0).demo());
        assertTrue(all.indexOf(states.get(0)) < all.indexOf(all.stream().filter(e -> e instanceof LogRecord r
                && r.message().equals("line 0")).findFirst().orElseThrow()), "RUNNING comes before the lines");
        LogRecord first = (LogRecord) all.stream().filter(e -> e instanceof LogRecord r
                && r.message().equals("line 7")).findFirst().orElseThrow();
        assertEquals("7", first.fields().get("i"));

        // When a garbage line lands in the file (a torn write) followed by a good one
        DemoLogs.append(file, "{\"ts\":\"2026-11-22T10:00:00.1\n" + DemoLogs.record("after the fragment"));

        // Then the fragment is reported, not shipped, and the good line is shipped
        await().atMost(Duration.ofSeconds(5)).until(() -> DemoLogs.demoMessages(events(), token)
                .contains("after the fragment"));
        List<LogRecord> reports = DemoLogs.malformedReports(events(), token);
        assertEquals(1, reports.size());
        assertEquals("1", reports.get(0).fields().get("dvic_malformed"));

        // When the demo is killed
        demo.destroyForcibly();
        demo.waitFor();

        // Then EXITED is reported within a second, and its files are deleted
        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20)).until(() ->
                DemoLogs.states(events(), token).stream().anyMatch(s -> s.state() == ProcessStatus.EXITED));
        await().atMost(Duration.ofSeconds(5)).until(() -> !Files.exists(file)
                && !Files.exists(file.resolveSibling(file.getFileName() + ".1")));
        assertEquals(1, DemoLogs.states(events(), token).stream().filter(s -> s.state() == ProcessStatus.EXITED).count());
    }

    @Test
    void aNewFileIsFoundAtOnceThroughInotify() throws Exception {
        // Given a tailer whose fallback scan is an hour away
        tailer = new DemoLogTailer(new DemoLogTailer.Settings(List.of(logs), 3_600_000, 250, false,
                state.resolve("demo-logs")), new EventSink(node, spool, new AgentCodec()));
        tailer.start();
        String token = DemoLogs.newToken();

        // When a demo creates its file and logs
        DemoLogs.append(logs.resolve("dvic_log_" + token), DemoLogs.headerOfThisJvm(token) + DemoLogs.record("hi"));

        // Then the line arrives without waiting for a scan
        await().atMost(Duration.ofSeconds(5)).until(() -> DemoLogs.demoMessages(events(), token).equals(List.of("hi")));
    }

    @Test
    void offsetsSurviveARestartOfTheTailer() throws Exception {
        // Given a file of 10 lines, read by a tailer that then stops
        String token = DemoLogs.newToken();
        Path file = logs.resolve("dvic_log_" + token);
        StringBuilder sb = new StringBuilder(DemoLogs.headerOfThisJvm(token));
        for (int i = 0; i < 10; i++) {
            sb.append(DemoLogs.record("m" + i));
        }
        DemoLogs.append(file, sb.toString());
        startTailer(false);
        await().atMost(Duration.ofSeconds(5)).until(() -> DemoLogs.demoMessages(events(), token).size() == 10);
        tailer.close();

        // When 5 more lines are written while it is away, and it starts again
        for (int i = 10; i < 15; i++) {
            DemoLogs.append(file, DemoLogs.record("m" + i));
        }
        startTailer(false);

        // Then only the new lines are shipped
        await().atMost(Duration.ofSeconds(5)).until(() -> DemoLogs.demoMessages(events(), token).size() >= 15);
        assertEquals(IntStream.range(0, 15).mapToObj(i -> "m" + i).toList(), DemoLogs.demoMessages(events(), token));
    }

    @Test
    void aRotationWhileTheAgentWasAwayIsReadOldFileFirst() throws Exception {
        // Given 3 lines read, then the agent stops
        String token = DemoLogs.newToken();
        Path file = logs.resolve("dvic_log_" + token);
        String header = DemoLogs.headerOfThisJvm(token);
        DemoLogs.append(file, header + DemoLogs.record("a0") + DemoLogs.record("a1") + DemoLogs.record("a2"));
        startTailer(false);
        await().atMost(Duration.ofSeconds(5)).until(() -> DemoLogs.demoMessages(events(), token).size() == 3);
        tailer.close();

        // When the library writes more, rotates to .1 and starts a new file, while the agent is away
        DemoLogs.append(file, DemoLogs.record("a3"));
        Files.move(file, file.resolveSibling(file.getFileName() + ".1"));
        DemoLogs.append(file, header + DemoLogs.record("b0") + DemoLogs.record("b1"));
        startTailer(false);

        // Then the rest of the old file comes first, then the new one, each line once
        await().atMost(Duration.ofSeconds(5)).until(() -> DemoLogs.demoMessages(events(), token).size() >= 6);
        assertEquals(List.of("a0", "a1", "a2", "a3", "b0", "b1"), DemoLogs.demoMessages(events(), token));
    }

    @Test
    void aTruncatedFileIsReadAgainFromItsHeader() throws Exception {
        // Given a followed file with two lines
        String token = DemoLogs.newToken();
        Path file = logs.resolve("dvic_log_" + token);
        String header = DemoLogs.headerOfThisJvm(token);
        DemoLogs.append(file, header + DemoLogs.record("long line number one") + DemoLogs.record("long line two"));
        startTailer(false);
        await().atMost(Duration.ofSeconds(5)).until(() -> DemoLogs.demoMessages(events(), token).size() == 2);

        // When it is truncated in place and written again
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(0);
        }
        DemoLogs.append(file, header + DemoLogs.record("again"));

        // Then the new content is shipped
        await().atMost(Duration.ofSeconds(5)).until(() -> DemoLogs.demoMessages(events(), token).contains("again"));
    }

    @Test
    void aReusedPidIsReportedExitedAndNeverRunning() throws Exception {
        // Given a log whose header names this JVM's pid but another start time (the pid was reused)
        String token = DemoLogs.newToken();
        long pid = ProcessHandle.current().pid();
        DemoLogs.append(logs.resolve("dvic_log_" + token), DemoLogs.header(token, pid, 1L) + DemoLogs.record("old"));

        // When the tailer finds it
        startTailer(false);

        // Then its line is shipped and the process is EXITED, never RUNNING
        await().atMost(Duration.ofSeconds(5)).until(() -> DemoLogs.states(events(), token).size() == 1);
        assertEquals(ProcessStatus.EXITED, DemoLogs.states(events(), token).get(0).state());
        assertEquals(List.of("old"), DemoLogs.demoMessages(events(), token));
    }

    @Test
    void aSymlinkNamedLikeALogIsNotFollowed() throws Exception {
        // Given a "log" that is a symlink to another file (someone planting it in /tmp)
        Path secret = state.resolve("secret");
        Files.writeString(secret, DemoLogs.headerOfThisJvm("AAAAAAAAAAAAAAAAAAAAAA") + DemoLogs.record("secret"));
        String token = DemoLogs.newToken();
        Files.createSymbolicLink(logs.resolve("dvic_log_" + token), secret);
        String good = DemoLogs.newToken();
        DemoLogs.append(logs.resolve("dvic_log_" + good), DemoLogs.headerOfThisJvm(good) + DemoLogs.record("fine"));

        // When the tailer scans
        startTailer(false);

        // Then the real log is shipped and nothing of the symlinked file is
        await().atMost(Duration.ofSeconds(5)).until(() -> DemoLogs.demoMessages(events(), good).size() == 1);
        assertFalse(events().stream().anyMatch(e -> e instanceof LogRecord r && r.message().equals("secret")));
        assertTrue(events().stream().anyMatch(e -> e instanceof LogRecord r && r.source().equals("agent")
                && r.message().contains("not a regular file")));
    }

    @Test
    void aLineLongerThanTheBufferIsSkippedAndReported() throws Exception {
        // Given a file with a 100 KB line between two good ones (no library writes that; a foreign writer might)
        String token = DemoLogs.newToken();
        Path file = logs.resolve("dvic_log_" + token);
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(DemoLogs.headerOfThisJvm(token).getBytes(StandardCharsets.UTF_8));
            out.write(DemoLogs.record("before").getBytes(StandardCharsets.UTF_8));
            out.write(("{\"msg\":\"" + "x".repeat(100_000) + "\"}\n").getBytes(StandardCharsets.UTF_8));
            out.write(DemoLogs.record("after").getBytes(StandardCharsets.UTF_8));
        }

        // When it is read
        startTailer(false);

        // Then both good lines are shipped and the long one is reported
        await().atMost(Duration.ofSeconds(5)).until(() -> DemoLogs.demoMessages(events(), token).size() == 2);
        assertEquals(List.of("before", "after"), DemoLogs.demoMessages(events(), token));
        assertEquals(1, DemoLogs.malformedReports(events(), token).size());
    }

    @Test
    void manyDemosAtOnceEachGetTheirLinesInOrder() throws Exception {
        // Given three Python demos logging at the same time
        startTailer(true);
        List<Process> demos = List.of(python(500, 10 << 20), python(500, 8192), python(500, 10 << 20));
        List<String> tokens = new ArrayList<>();
        for (Process p : demos) {
            String path = readLine(p);
            tokens.add(Path.of(path).getFileName().toString().substring("dvic_log_".length()));
        }

        // Then each demo's 500 lines arrive in its own order
        List<String> expected = IntStream.range(0, 500).mapToObj(i -> "line " + i).toList();
        for (String token : tokens) {
            await().atMost(Duration.ofSeconds(10)).until(() -> DemoLogs.demoMessages(events(), token).size() >= 500);
            assertEquals(expected, DemoLogs.demoMessages(events(), token));
        }
        try (Stream<Path> files = Files.list(logs)) {
            assertEquals(3, files.filter(p -> !p.toString().endsWith(".1")).count());
        }
    }
}
