package org.dvic.agent.collect;

import org.dvic.agent.spool.EventSink;
import org.dvic.protocol.Limits;
import org.dvic.protocol.json.JsonValues;
import org.dvic.protocol.json.ProtocolException;
import org.dvic.protocol.event.LogLevel;
import org.dvic.protocol.event.LogRecord;
import org.dvic.protocol.event.NodeEvent;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The machine's own log: {@code journalctl -f -o json} (resuming after the saved cursor), or
 * {@code /var/log/syslog} (offset and inode saved) where there is no journal. Lines become
 * {@link LogRecord}s with source {@code journal} or {@code syslog}.
 */
public final class SystemLogReader implements Closeable {
    private static final Logger LOG = Logger.getLogger(SystemLogReader.class.getName());
    private static final int MAX_BATCH = 500;

    public enum Mode { JOURNAL, SYSLOG, OFF }

    private final Mode mode;
    private final EventSink sink;
    private final Path stateFile;
    private final Path syslogFile;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Process journalctl;

    public SystemLogReader(Mode mode, EventSink sink, Path stateDir, Path syslogFile) {
        this.mode = mode;
        this.sink = sink;
        this.stateFile = stateDir.resolve(mode == Mode.JOURNAL ? "journal.cursor" : "syslog.offset");
        this.syslogFile = syslogFile;
        this.thread = new Thread(null, this::run, "dvic-system-log", 256 * 1024);
        this.thread.setDaemon(true);
    }

    /** {@code auto}: the journal if journalctl and a journal exist, else the syslog file if it exists, else off. */
    public static Mode choose(String setting, Path syslogFile) {
        return switch (setting) {
            case "journal" -> Mode.JOURNAL;
            case "syslog" -> Mode.SYSLOG;
            case "off" -> Mode.OFF;
            default -> {
                boolean journalctl = Files.isExecutable(Path.of("/usr/bin/journalctl"))
                        || Files.isExecutable(Path.of("/bin/journalctl"));
                boolean journal = Files.isDirectory(Path.of("/run/systemd/journal"))
                        || Files.isDirectory(Path.of("/var/log/journal"));
                if (journalctl && journal) {
                    yield Mode.JOURNAL;
                }
                yield Files.isRegularFile(syslogFile) ? Mode.SYSLOG : Mode.OFF;
            }
        };
    }

    public Mode mode() {
        return mode;
    }

    public void start() {
        if (mode != Mode.OFF) {
            thread.start();
        }
    }

    private void run() {
        while (running) {
            try {
                if (mode == Mode.JOURNAL) {
                    followJournal();
                } else {
                    followSyslog();
                }
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.INFO, "system log reader: " + e + "; retrying in 5 s");
            }
            try {
                Thread.sleep(5000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void followJournal() throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("journalctl", "-f", "-o", "json", "--no-pager"));
        String cursor = Files.exists(stateFile) ? Files.readString(stateFile).trim() : "";
        if (cursor.isEmpty()) {
            cmd.add("-n");
            cmd.add("0"); // first start: from now on, not the whole history
        } else {
            cmd.add("--after-cursor=" + cursor);
        }
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        journalctl = p;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
             FileChannel state = FileChannel.open(stateFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            String line;
            List<LongFunction<? extends NodeEvent>> batch = new ArrayList<>();
            String lastCursor = null;
            while (running && (line = r.readLine()) != null) {
                Map<String, Object> entry;
                try {
                    entry = JsonValues.parseObject(line.getBytes(StandardCharsets.UTF_8));
                } catch (ProtocolException e) {
                    continue;
                }
                LongFunction<LogRecord> rec = journalRecord(entry);
                if (rec != null) {
                    batch.add(rec);
                }
                if (entry.get("__CURSOR") instanceof String c) {
                    lastCursor = c;
                }
                if (!r.ready() || batch.size() >= MAX_BATCH) {
                    sink.emitAll(batch);
                    batch.clear();
                    if (lastCursor != null) {
                        save(state, lastCursor);
                    }
                }
            }
        } finally {
            p.destroy();
        }
        if (running) {
            throw new IOException("journalctl ended with " + p.waitFor());
        }
    }

    LongFunction<LogRecord> journalRecord(Map<String, Object> e) {
        String message = text(e.get("MESSAGE"));
        if (message == null) {
            return null;
        }
        long ts;
        try {
            ts = Long.parseLong(String.valueOf(e.getOrDefault("__REALTIME_TIMESTAMP", "0"))) / 1000;
        } catch (NumberFormatException ex) {
            ts = System.currentTimeMillis();
        }
        LogLevel level = switch (String.valueOf(e.getOrDefault("PRIORITY", "6"))) {
            case "0", "1", "2" -> LogLevel.FATAL;
            case "3" -> LogLevel.ERROR;
            case "4" -> LogLevel.WARN;
            case "7" -> LogLevel.DEBUG;
            default -> LogLevel.INFO;
        };
        Map<String, String> fields = new LinkedHashMap<>();
        copy(e, "SYSLOG_IDENTIFIER", "ident", fields);
        copy(e, "_SYSTEMD_UNIT", "unit", fields);
        copy(e, "_PID", "pid", fields);
        copy(e, "_COMM", "comm", fields);
        long t = ts;
        String msg = cut(message, Limits.MESSAGE);
        Map<String, String> f = fields.isEmpty() ? null : fields;
        return seq -> new LogRecord(sink.nodeId(), seq, t, "journal", level, msg, f, null, null);
    }

    /** MESSAGE is a string, or an array of bytes when it is not valid UTF-8. */
    private static String text(Object n) {
        if (n == null) {
            return null;
        }
        if (n instanceof String s) {
            return s;
        }
        if (n instanceof List<?> list) {
            byte[] b = new byte[list.size()];
            for (int i = 0; i < b.length; i++) {
                b[i] = list.get(i) instanceof Number x ? (byte) x.intValue() : (byte) '?';
            }
            return new String(b, StandardCharsets.UTF_8);
        }
        return String.valueOf(n);
    }

    private static void copy(Map<String, Object> e, String from, String to, Map<String, String> fields) {
        if (e.get(from) instanceof String s) {
            fields.put(to, cut(s, Limits.TEXT));
        }
    }

    private static void save(FileChannel state, String value) throws IOException {
        byte[] b = (value + "\n").getBytes(StandardCharsets.UTF_8);
        state.truncate(0);
        state.write(ByteBuffer.wrap(b), 0);
    }

    private void followSyslog() throws IOException, InterruptedException {
        String saved = Files.exists(stateFile) ? Files.readString(stateFile).trim() : "";
        String savedKey = null;
        long offset = -1;
        String[] parts = saved.split(" ");
        if (parts.length == 2) {
            savedKey = parts[0];
            try {
                offset = Long.parseLong(parts[1]);
            } catch (NumberFormatException e) {
                offset = -1;
            }
        }
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        try (FileChannel state = FileChannel.open(stateFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileChannel ch = null;
            String key = null;
            while (running) {
                BasicFileAttributes a = Files.readAttributes(syslogFile, BasicFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS);
                String k = String.valueOf(a.fileKey()).replace(' ', '_');
                if (ch == null || !k.equals(key) || a.size() < offset) {
                    if (ch != null) {
                        offset = drain(ch, offset, buf, state, key); // the rotated file's last lines
                        ch.close();
                    }
                    ch = FileChannel.open(syslogFile, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
                    boolean resume = k.equals(savedKey) && offset >= 0 && offset <= a.size();
                    offset = resume ? offset : (savedKey == null && key == null ? a.size() : 0);
                    key = k;
                    savedKey = k;
                }
                offset = drain(ch, offset, buf, state, key);
                Thread.sleep(1000);
            }
            if (ch != null) {
                ch.close();
            }
        }
    }

    private long drain(FileChannel ch, long offset, ByteBuffer buf, FileChannel state, String key) throws IOException {
        while (true) {
            buf.clear();
            int n = ch.read(buf, offset);
            if (n <= 0) {
                return offset;
            }
            byte[] a = buf.array();
            int start = 0;
            List<LongFunction<? extends NodeEvent>> batch = new ArrayList<>();
            long now = System.currentTimeMillis();
            for (int i = 0; i < n; i++) {
                if (a[i] == '\n') {
                    String line = cut(new String(a, start, i - start, StandardCharsets.UTF_8), Limits.MESSAGE);
                    batch.add(seq -> new LogRecord(sink.nodeId(), seq, now, "syslog", LogLevel.INFO, line, null, null,
                            null));
                    start = i + 1;
                }
            }
            if (start == 0) {
                start = n == a.length ? n : 0; // a line longer than the buffer is cut; a partial one waits
            }
            sink.emitAll(batch);
            offset += start;
            save(state, key + " " + offset);
            if (start == 0 || n < a.length) {
                return offset;
            }
        }
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }

    @Override
    public void close() {
        running = false;
        Process p = journalctl;
        if (p != null) {
            p.destroy();
        }
        thread.interrupt();
    }
}
