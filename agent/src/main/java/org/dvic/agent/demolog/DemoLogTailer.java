package org.dvic.agent.demolog;

import com.fasterxml.jackson.core.JsonFactory;
import org.dvic.agent.spool.EventSink;
import org.dvic.protocol.event.LogLevel;
import org.dvic.protocol.event.LogRecord;
import org.dvic.protocol.event.NodeEvent;
import org.dvic.protocol.event.ProcessState;
import org.dvic.protocol.event.ProcessStatus;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds demo processes' log files ({@code dvic_log_<token>}, client-libs/spec/FORMAT.md), ships
 * every record line as a {@link LogRecord} and watches the writing process: RUNNING when its
 * header is read and the process matches, EXITED when its pid is gone or now belongs to another
 * process (start time differs).
 *
 * <p>One thread does everything, so no state is shared: it waits on inotify (the JDK's
 * WatchService) for at most the liveness interval, reads what changed, probes liveness every
 * {@code livenessIntervalMs} and re-scans every {@code pollIntervalMs} as a fallback for missed
 * events. Files are opened without following symlinks and must be regular files (a symlink planted
 * in /tmp must not make a root agent ship another file). Offsets are saved after each read's lines
 * are spooled; a file rotated to {@code <file>.1} is read to its end before the new file.
 */
public final class DemoLogTailer implements Closeable {
    private static final Logger LOG = Logger.getLogger(DemoLogTailer.class.getName());
    static final Pattern NAME = Pattern.compile("dvic_log_([A-Za-z0-9_-]{22})(\\.1)?");
    private static final int BUFFER = 64 * 1024;
    private static final int MAX_FILES = 512;

    public record Settings(List<Path> dirs, long pollIntervalMs, long livenessIntervalMs, boolean deleteExited,
                           Path stateDir) {
    }

    /** A directory to search: the host's, or a container's {@code /tmp} seen through {@code /proc/<pid>/root}. */
    public record Source(String id, Path dir, Path procRoot, String container) {
    }

    /** A demo process the agent follows, for commands that address it by token. */
    public record DemoProcess(String token, long pid, Long startTime, Path procRoot, int fileOwnerUid,
                              String container) {
    }

    private final Settings settings;
    private final EventSink sink;
    private final UUID nodeId;
    private final DemoLineParser parser;
    private final OffsetStore offsets;
    private final Thread thread;
    private final WatchService watch;
    private final Map<WatchKey, Source> watched = new HashMap<>();
    private final Map<String, TrackedFile> files = new LinkedHashMap<>();
    private final Set<String> done = new HashSet<>();
    private final Map<String, Long> ignored = new HashMap<>();
    private final Map<String, DemoProcess> processes = new ConcurrentHashMap<>();
    private final ByteBuffer buf = ByteBuffer.allocate(BUFFER);
    private final List<Source> hostSources;
    private volatile List<Source> containerSources = List.of();
    private List<Source> activeContainerSources = List.of();
    private volatile boolean running = true;
    private volatile long linesShipped;
    private volatile long malformedLines;

    public DemoLogTailer(Settings settings, EventSink sink) throws IOException {
        this.settings = settings;
        this.sink = sink;
        this.nodeId = sink.nodeId();
        this.parser = new DemoLineParser(new JsonFactory());
        this.offsets = new OffsetStore(settings.stateDir());
        this.watch = FileSystems.getDefault().newWatchService();
        List<Source> hosts = new ArrayList<>();
        for (Path dir : settings.dirs()) {
            hosts.add(new Source("host" + (hosts.isEmpty() ? "" : Integer.toString(hosts.size())), dir,
                    Path.of("/proc"), null));
        }
        this.hostSources = List.copyOf(hosts);
        this.thread = new Thread(null, this::run, "dvic-demo-logs", 512 * 1024);
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** Replaces the set of container directories to search (from the Docker watcher's thread). */
    public void setContainerSources(List<Source> sources) {
        containerSources = List.copyOf(sources);
    }

    public DemoProcess process(String token) {
        return processes.get(token);
    }

    public long linesShipped() {
        return linesShipped;
    }

    public long malformedLines() {
        return malformedLines;
    }

    private void run() {
        for (Source s : hostSources) {
            register(s);
        }
        scanAll();
        long now = System.nanoTime();
        long nextLiveness = now + ms(settings.livenessIntervalMs());
        long nextPoll = now + ms(settings.pollIntervalMs());
        while (running) {
            try {
                long wait = Math.max(1, Math.min(nextLiveness, nextPoll) - System.nanoTime());
                WatchKey key = watch.poll(wait, TimeUnit.NANOSECONDS);
                while (key != null) {
                    handle(key);
                    key = watch.poll();
                }
                now = System.nanoTime();
                if (now - nextLiveness >= 0) {
                    checkLiveness();
                    nextLiveness = System.nanoTime() + ms(settings.livenessIntervalMs());
                }
                if (now - nextPoll >= 0) {
                    updateContainerSources();
                    scanAll();
                    nextPoll = System.nanoTime() + ms(settings.pollIntervalMs());
                }
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "demo log tailer: unexpected failure, going on", e);
            }
        }
    }

    private static long ms(long millis) {
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }

    private void register(Source s) {
        try {
            WatchKey k = s.dir().register(watch, StandardWatchEventKinds.ENTRY_CREATE,
                    StandardWatchEventKinds.ENTRY_MODIFY);
            watched.put(k, s);
        } catch (IOException | RuntimeException e) {
            LOG.info("cannot watch " + s.dir() + " (" + e + "); polling it every " + settings.pollIntervalMs() + " ms");
        }
    }

    private void updateContainerSources() {
        List<Source> wanted = containerSources;
        if (wanted.equals(activeContainerSources)) {
            return;
        }
        for (Source s : wanted) {
            if (!activeContainerSources.contains(s)) {
                register(s);
            }
        }
        for (Source s : activeContainerSources) {
            if (!wanted.contains(s)) {
                watched.entrySet().removeIf(e -> {
                    if (e.getValue().equals(s)) {
                        e.getKey().cancel();
                        return true;
                    }
                    return false;
                });
            }
        }
        activeContainerSources = wanted;
    }

    private void handle(WatchKey key) {
        Source s = watched.get(key);
        for (WatchEvent<?> e : key.pollEvents()) {
            if (s == null) {
                continue;
            }
            if (e.kind() == StandardWatchEventKinds.OVERFLOW) {
                scan(s);
                continue;
            }
            Matcher m = NAME.matcher(e.context().toString());
            if (m.matches()) {
                touch(s, m.group(1));
            }
        }
        if (!key.reset()) {
            watched.remove(key);
        }
    }

    private void scanAll() {
        for (Source s : hostSources) {
            scan(s);
        }
        for (Source s : activeContainerSources) {
            scan(s);
        }
        // files whose directory went away (a stopped container) are finished by the liveness probe
    }

    private void scan(Source s) {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(s.dir(), "dvic_log_*")) {
            for (Path p : ds) {
                Matcher m = NAME.matcher(p.getFileName().toString());
                if (m.matches() && m.group(2) == null) {
                    touch(s, m.group(1));
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "cannot list " + s.dir(), e);
        }
    }

    /** Something happened to the log with this token: start following it, or read what is new. */
    private void touch(Source s, String token) {
        String key = s.id() + "_" + token;
        TrackedFile f = files.get(key);
        if (f == null) {
            if (done.contains(key)) {
                return;
            }
            Path path = s.dir().resolve("dvic_log_" + token);
            Long ignoredSize = ignored.get(key);
            if (ignoredSize != null) {
                return;
            }
            if (files.size() >= MAX_FILES) {
                LOG.warning("following " + MAX_FILES + " demo logs already; not following " + path);
                ignored.put(key, 0L);
                return;
            }
            f = new TrackedFile(s, token, key, path);
            if (!f.open()) {
                return;
            }
            files.put(key, f);
        }
        pump(f);
    }

    private void checkLiveness() {
        List<TrackedFile> exited = null;
        for (TrackedFile f : files.values()) {
            if (f.header == null) {
                continue;
            }
            if (!ProcessProbe.isAlive(f.source.procRoot(), f.header.pid(), f.header.startTime())) {
                if (exited == null) {
                    exited = new ArrayList<>();
                }
                exited.add(f);
            }
        }
        if (exited != null) {
            for (TrackedFile f : exited) {
                exit(f);
            }
        }
    }

    /** The writer is gone: read what it left, report EXITED, and let the files go. */
    private void exit(TrackedFile f) {
        pump(f);
        List<LongFunction<? extends NodeEvent>> makers = new ArrayList<>(2);
        if (f.hasPartialLine()) {
            // the process died in the middle of a line: it will never be completed
            makers.add(f.malformedReport(1, f.offset, "incomplete last line"));
        }
        makers.add(f.state(ProcessStatus.EXITED));
        sink.emitAll(makers);
        f.finish();
    }

    private void pump(TrackedFile f) {
        try {
            f.readToEnd();
            f.followRotation();
        } catch (IOException e) {
            LOG.log(Level.FINE, "reading " + f.path + " failed", e);
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            watch.close();
        } catch (IOException ignored) {
            // closing
        }
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (TrackedFile f : files.values()) {
            f.closeQuietly();
        }
    }

    private static BasicFileAttributes attributes(Path p) {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return null;
        }
    }

    private static String fileKey(BasicFileAttributes a) {
        return String.valueOf(a.fileKey()).replace(' ', '_');
    }

    /** One demo log (and its rotated predecessor) being followed. */
    private final class TrackedFile {
        final Source source;
        final String token;
        final String key;
        final Path path;
        final Path rotated;
        final String logSource;
        DemoLogHeader header;
        FileChannel ch;
        Path openPath;
        String openKey;
        long offset;
        boolean atHeader;
        boolean skipping;
        boolean partial;
        ProcessStatus reported;
        OffsetStore.Handle offsetHandle;

        TrackedFile(Source source, String token, String key, Path path) {
            this.source = source;
            this.token = token;
            this.key = key;
            this.path = path;
            this.rotated = path.resolveSibling(path.getFileName() + ".1");
            this.logSource = "demo:" + token;
        }

        /** Opens the file where the saved offset says; false if it is not one to follow. */
        boolean open() {
            BasicFileAttributes a = attributes(path);
            if (a == null) {
                return false;
            }
            if (!a.isRegularFile()) {
                ignore("not a regular file (a symlink?)");
                return false;
            }
            OffsetStore.State st = offsets.load(key);
            if (st != null && st.finished()) {
                done.add(key);
                return false;
            }
            try {
                offsetHandle = offsets.open(key);
                if (st != null && st.fileKey().equals(fileKey(a))) {
                    openAt(path, st.offset());
                } else if (st != null && st.fileKey().equals(keyOf(rotated))) {
                    openAt(rotated, st.offset()); // rotated while the agent was away: finish the old file first
                } else {
                    openAt(path, 0);
                }
                if (offset > 0 && !readHeaderAt0()) {
                    return false;
                }
                return true;
            } catch (IOException e) {
                closeQuietly();
                LOG.log(Level.FINE, "cannot open " + path, e);
                return false;
            }
        }

        private String keyOf(Path p) {
            BasicFileAttributes a = attributes(p);
            return a == null || !a.isRegularFile() ? "-" : fileKey(a);
        }

        private void openAt(Path p, long at) throws IOException {
            closeChannel();
            ch = FileChannel.open(p, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
            BasicFileAttributes a = attributes(p);
            openPath = p;
            openKey = a == null ? "-" : fileKey(a);
            offset = at;
            atHeader = at == 0;
            skipping = false;
            partial = false;
        }

        /** Resuming in the middle: the header is the file's first line. */
        private boolean readHeaderAt0() throws IOException {
            buf.clear();
            int n = ch.read(buf, 0);
            byte[] a = buf.array();
            for (int i = 0; i < Math.max(n, 0); i++) {
                if (a[i] == '\n') {
                    return acceptHeader(a, 0, i, false);
                }
            }
            ignore("header line missing");
            return false;
        }

        private boolean acceptHeader(byte[] a, int off, int len, boolean announce) {
            DemoLogHeader h;
            try {
                h = DemoLogHeader.parse(a, off, len);
            } catch (MalformedLineException e) {
                ignore(e.getMessage());
                return false;
            }
            if (!h.token().equals(token)) {
                ignore("header token does not match the file name");
                return false;
            }
            if (header == null) {
                header = h;
                processes.put(token, new DemoProcess(token, h.pid(), h.startTime(), source.procRoot(),
                        ProcessProbe.ownerUid(path), source.container()));
            }
            return true;
        }

        private void ignore(String why) {
            LOG.info("not following " + path + ": " + why);
            sink.agentLog(LogLevel.WARN, "demo log not followed: " + why, Map.of("path", path.toString()));
            ignored.put(key, 0L);
            closeQuietly();
            files.remove(key);
        }

        boolean hasPartialLine() {
            return partial || skipping;
        }

        void readToEnd() throws IOException {
            if (ch == null) {
                return;
            }
            while (true) {
                buf.clear();
                int n = ch.read(buf, offset);
                if (n <= 0) {
                    partial = false;
                    return;
                }
                byte[] a = buf.array();
                List<LongFunction<? extends NodeEvent>> makers = new ArrayList<>();
                int start = 0;
                int badRun = 0;
                long badOffset = 0;
                String badReason = null;
                int shipped = 0;
                for (int i = 0; i < n; i++) {
                    if (a[i] != '\n') {
                        continue;
                    }
                    long lineOffset = offset + start;
                    String problem = null;
                    LongFunction<? extends NodeEvent> maker = null;
                    if (skipping) {
                        skipping = false;
                        problem = "line longer than " + BUFFER + " bytes";
                    } else if (atHeader) {
                        atHeader = false;
                        boolean first = header == null;
                        if (!acceptHeader(a, start, i - start, true)) {
                            return;
                        }
                        if (first && ProcessProbe.isAlive(source.procRoot(), header.pid(), header.startTime())) {
                            maker = state(ProcessStatus.RUNNING);
                            reported = ProcessStatus.RUNNING;
                        }
                    } else {
                        try {
                            maker = record(parser.parse(a, start, i - start));
                            shipped++;
                        } catch (MalformedLineException e) {
                            problem = e.getMessage();
                        }
                    }
                    if (problem != null) {
                        if (badRun == 0) {
                            badOffset = lineOffset;
                            badReason = problem;
                        }
                        badRun++;
                    } else {
                        if (badRun > 0) {
                            makers.add(malformedReport(badRun, badOffset, badReason));
                            badRun = 0;
                        }
                        if (maker != null) {
                            makers.add(maker);
                        }
                    }
                    start = i + 1;
                }
                if (badRun > 0) {
                    makers.add(malformedReport(badRun, badOffset, badReason));
                }
                int consumed = start;
                if (consumed == 0 && n == BUFFER) {
                    if (atHeader) {
                        ignore("header line longer than " + BUFFER + " bytes");
                        return;
                    }
                    skipping = true; // no newline in a full buffer: skip to the next one
                    consumed = n;
                }
                sink.emitAll(makers);
                linesShipped += shipped;
                offset += consumed;
                if (consumed > 0) {
                    offsetHandle.save(openKey, offset, false);
                }
                partial = consumed < n;
                if (n < BUFFER) {
                    return;
                }
            }
        }

        /** After reading to the end: has the file been rotated or truncated under us? */
        void followRotation() throws IOException {
            if (ch == null) {
                return;
            }
            if (openPath.equals(rotated)) {
                openAt(path, 0);
                readToEnd();
                return;
            }
            BasicFileAttributes a = attributes(path);
            if (a == null || !a.isRegularFile()) {
                return; // deleted: keep reading the open file until the process exits
            }
            if (!fileKey(a).equals(openKey)) {
                readToEnd(); // lines written just before the rename
                openAt(path, 0);
                readToEnd();
            } else if (a.size() < offset) {
                LOG.info(path + " was truncated; reading it again from its start");
                openAt(path, 0);
                readToEnd();
            }
        }

        LongFunction<LogRecord> record(DemoLineParser.Line line) {
            return seq -> new LogRecord(nodeId, seq, line.ts(), logSource, line.level(), line.message(),
                    line.fields(), line.exception(), source.container());
        }

        LongFunction<LogRecord> malformedReport(int count, long at, String reason) {
            malformedLines += count;
            String message = "dvic agent skipped " + count + " malformed line" + (count == 1 ? "" : "s") + ": "
                    + reason;
            Map<String, String> fields = Map.of("dvic_malformed", Integer.toString(count),
                    "offset", Long.toString(at), "file", openPath == null ? path.toString() : openPath.toString());
            return seq -> new LogRecord(nodeId, seq, System.currentTimeMillis(), logSource, LogLevel.WARN, message,
                    fields, null, source.container());
        }

        LongFunction<ProcessState> state(ProcessStatus status) {
            DemoLogHeader h = header;
            return seq -> new ProcessState(nodeId, seq, System.currentTimeMillis(), token, h.pid(),
                    h.startTime() == null ? 0 : h.startTime(), h.demo(), h.exe() == null ? "" : h.exe(), status,
                    null, source.container());
        }

        void finish() {
            reported = ProcessStatus.EXITED;
            processes.remove(token);
            files.remove(key);
            closeChannel();
            if (settings.deleteExited()) {
                try {
                    Files.deleteIfExists(rotated);
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    LOG.log(Level.FINE, "cannot delete " + path, e);
                }
                closeHandle();
                offsets.delete(key);
            } else {
                try {
                    if (offsetHandle != null) {
                        offsetHandle.save(openKey == null ? "-" : openKey, offset, true);
                    }
                } catch (IOException e) {
                    LOG.log(Level.FINE, "cannot save offset of " + path, e);
                }
                closeHandle();
                done.add(key);
            }
        }

        private void closeChannel() {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // read-only
                }
                ch = null;
            }
        }

        private void closeHandle() {
            if (offsetHandle != null) {
                try {
                    offsetHandle.close();
                } catch (IOException ignored) {
                    // nothing to flush
                }
                offsetHandle = null;
            }
        }

        void closeQuietly() {
            closeChannel();
            closeHandle();
        }
    }

    static String excerpt(byte[] a, int off, int len) {
        return new String(a, off, Math.min(len, 200), StandardCharsets.UTF_8);
    }

    static boolean isMissing(IOException e) {
        return e instanceof NoSuchFileException;
    }
}
