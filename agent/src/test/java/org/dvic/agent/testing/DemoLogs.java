package org.dvic.agent.testing;

import org.dvic.agent.demolog.ProcessProbe;
import org.dvic.agent.spool.Spool;
import org.dvic.protocol.event.Event;
import org.dvic.protocol.event.LogRecord;
import org.dvic.protocol.event.NodeEvent;
import org.dvic.protocol.event.ProcessState;
import org.dvic.protocol.json.EventCodec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** Test helpers: dvic_log files written by hand (for cases the libraries never produce) and spool contents. */
public final class DemoLogs {
    private static final EventCodec CODEC = new EventCodec();
    private static final SecureRandom RANDOM = new SecureRandom();

    private DemoLogs() {
    }

    public static String newToken() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    public static String header(String token, long pid, Long startTime) {
        return "{\"dvic_log\":1,\"token\":\"" + token + "\",\"pid\":" + pid + ",\"start_time\":" + startTime
                + ",\"started_at\":\"2026-11-22T09:59:58.120Z\",\"exe\":\"/usr/bin/java\",\"argv\":[\"java\"],"
                + "\"user\":\"root\",\"uid\":0,\"hostname\":\"test\",\"language\":\"java\",\"library_version\":\"0.1.0\","
                + "\"demo\":\"hand-made\"}\n";
    }

    /** A header naming this test JVM, which is alive for the whole test. */
    public static String headerOfThisJvm(String token) {
        long pid = ProcessHandle.current().pid();
        return header(token, pid, ProcessProbe.startTime(Path.of("/proc"), pid));
    }

    public static String record(String msg) {
        return "{\"ts\":\"2026-11-22T10:00:00.123Z\",\"level\":\"INFO\",\"msg\":\"" + msg + "\"}\n";
    }

    public static void append(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** Every event in the spool (acked or not), decoded, in seq order. */
    public static List<NodeEvent> spooled(Spool spool) {
        List<NodeEvent> out = new ArrayList<>();
        long after = -1;
        List<Spool.Entry> page;
        while (!(page = spool.read(after, 1000, 1 << 22)).isEmpty()) {
            for (Spool.Entry e : page) {
                Event ev = CODEC.decode(e.payload());
                out.add((NodeEvent) ev);
            }
            after = page.get(page.size() - 1).seq();
        }
        return out;
    }

    public static List<String> demoMessages(List<? extends NodeEvent> events, String token) {
        return events.stream().filter(e -> e instanceof LogRecord r && ("demo:" + token).equals(r.source())
                        && (r.fields() == null || !r.fields().containsKey("dvic_malformed")))
                .map(e -> ((LogRecord) e).message()).toList();
    }

    public static List<ProcessState> states(List<? extends NodeEvent> events, String token) {
        return events.stream().filter(e -> e instanceof ProcessState p && p.token().equals(token))
                .map(e -> (ProcessState) e).toList();
    }

    public static List<LogRecord> malformedReports(List<? extends NodeEvent> events, String token) {
        return events.stream().filter(e -> e instanceof LogRecord r && ("demo:" + token).equals(r.source())
                        && r.fields() != null && r.fields().containsKey("dvic_malformed"))
                .map(e -> (LogRecord) e).toList();
    }

    /** A demo that appends lines {@code n0, n1, ...} to {@code log}, {@code perBurst} every 20 ms, until stopped. */
    public static final class Writer {
        private final java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
        private final java.util.concurrent.atomic.AtomicInteger written = new java.util.concurrent.atomic.AtomicInteger();
        private final Thread thread;

        private Writer(Path log, int perBurst) {
            thread = new Thread(() -> {
                while (writing.get()) {
                    try {
                        StringBuilder sb = new StringBuilder();
                        for (int i = 0; i < perBurst; i++) {
                            sb.append(record("n" + written.getAndIncrement()));
                        }
                        append(log, sb.toString());
                        Thread.sleep(20);
                    } catch (IOException | InterruptedException e) {
                        return;
                    }
                }
            }, "demo-writer");
            thread.start();
        }

        public static Writer start(Path log, int perBurst) {
            return new Writer(log, perBurst);
        }

        /** Lines written so far. */
        public int written() {
            return written.get();
        }

        public void stop() throws InterruptedException {
            writing.set(false);
            thread.join();
        }
    }
}
