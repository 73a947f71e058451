package org.dvic.log;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Writes one dvic_log file (client-libs/spec/FORMAT.md). Thread-safe. A log call only encodes
 * its line and appends it to a bounded buffer; a daemon thread writes at least every 100 ms,
 * and a shutdown hook writes the rest. Write errors never reach the caller: dropped lines are
 * counted and reported in the file (§9).
 *
 * <pre>{@code
 * DvicLogger log = DvicLogger.builder().demo("robot-arm").build();
 * log.info("arm homed", DvicLogger.fields("axis", 3, "ms", 41.5));
 * }</pre>
 */
public final class DvicLogger implements AutoCloseable {
    static final long DEFAULT_MAX_FILE_BYTES = 10L << 20;
    static final long DEFAULT_BUFFER_BYTES = 4L << 20;
    private static final long FLUSH_INTERVAL_MS = 100;
    private static final long EAGER_FLUSH_BYTES = 64 * 1024;

    private final LongSupplier clock;
    private final long bufferBytes;
    private final LogFile file;
    private final ReentrantLock lock = new ReentrantLock(); // guards lines, buffered, drop counts, closed
    private final Condition wake = lock.newCondition();
    private final ReentrantLock io = new ReentrantLock(); // one writer of the file at a time
    private final Thread flusher;
    private final Thread shutdownHook;
    private List<byte[]> lines = new ArrayList<>();
    private long buffered;
    private long bufferFull;
    private long writeFailed;
    private boolean closed;

    private DvicLogger(Builder b) {
        this.clock = b.clock;
        this.bufferBytes = b.bufferBytes;
        String token = ProcessHeader.newToken();
        Path dir = b.dir != null ? b.dir : defaultDir();
        this.file = new LogFile(dir.resolve("dvic_log_" + token), ProcessHeader.encode(token, b.demo), b.maxFileBytes,
                b.write);
        this.flusher = new Thread(this::run, "dvic_log-flusher");
        flusher.setDaemon(true); // logging must not keep the demo alive
        flusher.start();
        this.shutdownHook = new Thread(this::close, "dvic_log-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Fields in the order given: {@code fields("axis", 3, "ok", true)}. */
    public static Map<String, Object> fields(Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("fields(...) takes key, value pairs; got an odd count");
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            if (!(keysAndValues[i] instanceof String key)) {
                throw new IllegalArgumentException("field key at position " + i + " is not a String");
            }
            fields.put(key, keysAndValues[i + 1]);
        }
        return fields;
    }

    static Path defaultDir() {
        String env = System.getenv("DVIC_LOG_DIR");
        return Path.of(env != null && !env.isEmpty() ? env : "/tmp");
    }

    /** The current file. */
    public Path path() {
        return file.path();
    }

    /** Queues one line; false if it was dropped (buffer full or logger closed). */
    public boolean log(Level level, String msg, Map<String, ?> fields, Throwable thrown) {
        return log(clock.getAsLong(), level, msg, fields, thrown == null ? null : ExceptionInfo.of(thrown));
    }

    /** Queues one line with an explicit time and exception parts (used by the JUL handler and tests). */
    public boolean log(long tsMillis, Level level, String msg, Map<String, ?> fields, ExceptionInfo exc) {
        if (level == null) {
            throw new IllegalArgumentException("invalid dvic_log level null");
        }
        return enqueue(LineFormat.record(tsMillis, level, String.valueOf(msg), fields, exc));
    }

    public boolean trace(String msg) {
        return log(Level.TRACE, msg, null, null);
    }

    public boolean debug(String msg) {
        return log(Level.DEBUG, msg, null, null);
    }

    public boolean info(String msg) {
        return log(Level.INFO, msg, null, null);
    }

    public boolean info(String msg, Map<String, ?> fields) {
        return log(Level.INFO, msg, fields, null);
    }

    public boolean warn(String msg) {
        return log(Level.WARN, msg, null, null);
    }

    public boolean warn(String msg, Map<String, ?> fields) {
        return log(Level.WARN, msg, fields, null);
    }

    public boolean error(String msg, Throwable thrown) {
        return log(Level.ERROR, msg, null, thrown);
    }

    public boolean error(String msg, Map<String, ?> fields, Throwable thrown) {
        return log(Level.ERROR, msg, fields, thrown);
    }

    public boolean fatal(String msg, Throwable thrown) {
        return log(Level.FATAL, msg, null, thrown);
    }

    /** Writes everything buffered so far, synchronously. */
    public void flush() {
        io.lock();
        try {
            List<byte[]> batch;
            long full;
            long failed;
            lock.lock();
            try {
                batch = lines;
                lines = new ArrayList<>();
                buffered = 0;
                full = bufferFull;
                failed = writeFailed;
            } finally {
                lock.unlock();
            }
            long report = full + failed;
            if (report > 0) {
                batch.add(0, LineFormat.record(clock.getAsLong(), Level.WARN, "dvic_log dropped " + report + " lines",
                        fields("dvic_dropped", report, "buffer_full", full, "write_failed", failed), null));
            }
            if (batch.isEmpty()) {
                return;
            }
            int written = file.writeLines(batch);
            lock.lock();
            try {
                if (report > 0 && written > 0) {
                    bufferFull -= full;
                    writeFailed -= failed;
                }
                writeFailed += batch.size() - written - (report > 0 && written == 0 ? 1 : 0);
            } finally {
                lock.unlock();
            }
        } finally {
            io.unlock();
        }
    }

    /** Flushes and stops; later log calls return false. Safe to call twice. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            wake.signal();
        } finally {
            lock.unlock();
        }
        if (Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or about to: it will find the logger closed
            }
        }
        try {
            flusher.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flush();
        io.lock();
        try {
            file.close();
        } finally {
            io.unlock();
        }
    }

    /** Drops not yet reported in the file: {buffer_full, write_failed}. */
    public long[] dropped() {
        lock.lock();
        try {
            return new long[] {bufferFull, writeFailed};
        } finally {
            lock.unlock();
        }
    }

    private boolean enqueue(byte[] line) {
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            if (buffered + line.length > bufferBytes) {
                bufferFull++;
                return false;
            }
            lines.add(line);
            long before = buffered;
            buffered += line.length;
            // Once per batch: each signal makes the flusher contend for the lock.
            if (before < EAGER_FLUSH_BYTES && buffered >= EAGER_FLUSH_BYTES) {
                wake.signal();
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        while (true) {
            boolean stop;
            lock.lock();
            try {
                // Checked first: a signal sent while we were writing must not be lost.
                if (!closed && buffered < EAGER_FLUSH_BYTES) {
                    wake.await(FLUSH_INTERVAL_MS, TimeUnit.MILLISECONDS);
                }
                stop = closed;
            } catch (InterruptedException e) {
                stop = true; // nobody but us should interrupt this thread; close() still flushes
            } finally {
                lock.unlock();
            }
            if (stop) {
                return;
            }
            flush();
        }
    }

    /** Options of a {@link DvicLogger}. */
    public static final class Builder {
        private String demo;
        private Path dir;
        private long maxFileBytes = DEFAULT_MAX_FILE_BYTES;
        private long bufferBytes = DEFAULT_BUFFER_BYTES;
        private LongSupplier clock = System::currentTimeMillis;
        private WriteOperation write = WriteOperation.CHANNEL;

        private Builder() {
        }

        /** Demo name written in the header. */
        public Builder demo(String demo) {
            this.demo = demo;
            return this;
        }

        /** Directory of the file; default {@code $DVIC_LOG_DIR} or {@code /tmp}. */
        public Builder dir(Path dir) {
            this.dir = dir;
            return this;
        }

        /** Rotate when the file would exceed this (FORMAT.md §6); default 10 MiB. */
        public Builder maxFileBytes(long maxFileBytes) {
            this.maxFileBytes = positive(maxFileBytes, "maxFileBytes");
            return this;
        }

        /** Bound of the in-memory buffer; default 4 MiB. */
        public Builder bufferBytes(long bufferBytes) {
            this.bufferBytes = positive(bufferBytes, "bufferBytes");
            return this;
        }

        /** Epoch milliseconds; a seam for tests. */
        public Builder clock(LongSupplier clock) {
            this.clock = clock;
            return this;
        }

        /** How bytes reach the file; a seam for tests. */
        public Builder write(WriteOperation write) {
            this.write = write;
            return this;
        }

        public DvicLogger build() {
            return new DvicLogger(this);
        }

        private static long positive(long value, String name) {
            if (value <= 0) {
                throw new IllegalArgumentException(name + " must be positive, got " + value);
            }
            return value;
        }
    }
}
