package org.dvic.agent.spool;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongFunction;
import java.util.logging.Logger;
import java.util.zip.CRC32;

/**
 * The durable queue between the collectors and the socket. Every entry gets the next {@code seq}
 * (monotonic, never reused, also across restarts) and stays on disk until an ack covers it.
 *
 * <p>Layout: segment files {@code <first seq, 20 digits>.seg} of records
 * {@code [int length][int crc32][long seq][payload]}, and {@code acked} holding the highest acked
 * seq. A record is written with one {@code write(2)}, so a {@code kill -9} leaves whole records
 * behind (the page cache survives the process); a torn tail (power loss) fails its CRC and is cut
 * off at start-up. Segments are fsynced when they roll and at close.
 *
 * <p>Bounded: when the segments exceed {@code maxBytes} the oldest segment goes, whether sent or
 * not, and the next append starts with a notice (made by {@link DropNotice}) saying how many
 * entries were lost.
 */
public final class Spool implements Closeable {
    private static final Logger LOG = Logger.getLogger(Spool.class.getName());
    static final int HEADER = 16;
    /** Larger payloads are refused: nothing the agent makes comes close (the wire limits events to ~64 KiB). */
    public static final int MAX_PAYLOAD = 1 << 20;

    /** Makes the entry that reports dropped entries; gets (dropped, first dropped seq, last dropped seq, its seq). */
    @FunctionalInterface
    public interface DropNotice {
        byte[] make(long dropped, long firstDropped, long lastDropped, long seq);
    }

    private final Path dir;
    private final long maxBytes;
    private final long segmentBytes;
    private final DropNotice dropNotice;
    private final TreeMap<Long, Segment> segments = new TreeMap<>();
    private final FileChannel ackedFile;
    private final CRC32 crc = new CRC32();
    private final List<Runnable> appendListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private FileChannel writer;
    private Segment active;
    private long nextSeq;
    private long acked;
    private long totalBytes;
    private long droppedTotal;
    private long pendingDropped;
    private long pendingFirst = -1;
    private long pendingLast = -1;
    private ByteBuffer scratch = ByteBuffer.allocate(64 * 1024);

    static final class Segment {
        final Path path;
        final long firstSeq;
        long lastSeq;
        long count;
        long bytes;

        Segment(Path path, long firstSeq) {
            this.path = path;
            this.firstSeq = firstSeq;
            this.lastSeq = firstSeq - 1;
        }
    }

    /** One spooled entry as read back for sending. */
    public record Entry(long seq, byte[] payload) {
    }

    public Spool(Path dir, long maxBytes, long segmentBytes, DropNotice dropNotice) throws IOException {
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.segmentBytes = segmentBytes;
        this.dropNotice = dropNotice;
        Files.createDirectories(dir);
        this.ackedFile = FileChannel.open(dir.resolve("acked"), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        this.acked = readAcked();
        recover();
        long last = segments.isEmpty() ? -1 : segments.lastEntry().getValue().lastSeq;
        this.nextSeq = Math.max(last, acked) + 1;
        dropAcked(true);
    }

    /** A non-negative {@code value} as 20 digits: segment names sort as their seqs, the acked file has one width. */
    static String padded(long value) {
        String digits = Long.toString(value);
        return "0".repeat(Math.max(0, 20 - digits.length())) + digits;
    }

    private long readAcked() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(32);
        ackedFile.read(b, 0);
        String s = new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).trim();
        if (s.isEmpty()) {
            return -1;
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            LOG.warning("spool: unreadable acked file, resending everything spooled");
            return -1;
        }
    }

    private void recover() throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.seg")) {
            ds.forEach(files::add);
        }
        files.sort(null);
        for (Path file : files) {
            long first;
            try {
                first = Long.parseLong(file.getFileName().toString().replace(".seg", ""));
            } catch (NumberFormatException e) {
                continue;
            }
            Segment seg = new Segment(file, first);
            long validEnd = scan(seg);
            long size = Files.size(file);
            if (validEnd < size) {
                LOG.warning("spool: " + file.getFileName() + " ends with " + (size - validEnd)
                        + " bytes of a torn record; cutting them off");
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    ch.truncate(validEnd);
                }
            }
            if (seg.count == 0) {
                Files.deleteIfExists(file);
                continue;
            }
            segments.put(first, seg);
            totalBytes += seg.bytes;
        }
    }

    /** Reads a segment's records to find its last seq; returns the end of the last valid record. */
    private long scan(Segment seg) throws IOException {
        try (FileChannel ch = FileChannel.open(seg.path, StandardOpenOption.READ)) {
            RecordReader r = new RecordReader(ch, 0);
            Entry e;
            while ((e = r.next(Long.MAX_VALUE)) != null) {
                seg.lastSeq = e.seq();
                seg.count++;
            }
            seg.bytes = r.position();
            return r.position();
        }
    }

    public void addAppendListener(Runnable listener) {
        appendListeners.add(listener);
    }

    /** Appends one entry made for its seq; returns the seq, or -1 if {@code make} returned null. */
    public long append(LongFunction<byte[]> make) {
        return appendAll(List.of(make));
    }

    /**
     * Appends entries in order with one write; each {@code make} gets its seq and may return null to
     * skip (the seq is then not used). Returns the last seq written, or -1 if none was.
     */
    public long appendAll(List<? extends LongFunction<byte[]>> makers) {
        long last;
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("spool closed");
            }
            try {
                scratch.clear();
                if (pendingDropped > 0) {
                    byte[] notice = dropNotice.make(pendingDropped, pendingFirst, pendingLast, nextSeq);
                    put(nextSeq++, notice);
                    LOG.warning("spool: full, dropped " + pendingDropped + " oldest entries (seq " + pendingFirst
                            + ".." + pendingLast + ")");
                    pendingDropped = 0;
                }
                for (LongFunction<byte[]> make : makers) {
                    byte[] payload = make.apply(nextSeq);
                    if (payload != null && payload.length > MAX_PAYLOAD) {
                        // skipped like a null, before its seq is taken: throwing here would lose the
                        // seqs of the entries already put in this write
                        LOG.warning("spool: entry of " + payload.length + " bytes is over " + MAX_PAYLOAD
                                + "; not spooled");
                        payload = null;
                    }
                    if (payload != null) {
                        put(nextSeq++, payload);
                    }
                }
                last = nextSeq - 1;
                if (scratch.position() == 0) {
                    return -1;
                }
                scratch.flip();
                ensureWriter();
                int n = scratch.remaining();
                while (scratch.hasRemaining()) {
                    writer.write(scratch);
                }
                active.bytes += n;
                totalBytes += n;
                if (active.bytes >= segmentBytes) {
                    roll();
                }
                enforceBound();
            } catch (IOException e) {
                throw new UncheckedIOException("spool write failed", e);
            }
        }
        for (Runnable l : appendListeners) {
            l.run();
        }
        return last;
    }

    private boolean closed;

    private void put(long seq, byte[] payload) {
        if (payload.length > MAX_PAYLOAD) {
            throw new IllegalArgumentException("spool entry of " + payload.length + " bytes is over " + MAX_PAYLOAD);
        }
        int need = HEADER + payload.length;
        if (scratch.remaining() < need) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(scratch.capacity() * 2, scratch.position() + need));
            scratch.flip();
            bigger.put(scratch);
            scratch = bigger;
        }
        int start = scratch.position();
        scratch.putInt(payload.length).putInt(0).putLong(seq).put(payload);
        crc.reset();
        crc.update(scratch.array(), start + 8, 8 + payload.length);
        scratch.putInt(start + 4, (int) crc.getValue());
        if (active == null) {
            // a fresh segment is named by its first seq
            active = new Segment(dir.resolve(padded(seq) + ".seg"), seq);
            segments.put(seq, active);
        }
        active.lastSeq = seq;
        active.count++;
    }

    private void ensureWriter() throws IOException {
        if (writer == null) {
            writer = FileChannel.open(active.path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
        }
    }

    private void roll() throws IOException {
        writer.force(false);
        writer.close();
        writer = null;
        active = null;
    }

    private void enforceBound() throws IOException {
        while (totalBytes > maxBytes && segments.size() > 1) {
            Map.Entry<Long, Segment> oldest = segments.firstEntry();
            Segment seg = oldest.getValue();
            if (seg == active) {
                break;
            }
            long firstUnacked = Math.max(seg.firstSeq, acked + 1);
            if (seg.lastSeq >= firstUnacked) {
                long lost = seg.lastSeq - firstUnacked + 1;
                // seqs inside a segment are consecutive except for skipped makers; count what is there
                lost = Math.min(lost, seg.count);
                pendingDropped += lost;
                droppedTotal += lost;
                if (pendingFirst < 0 || pendingDropped == lost) {
                    pendingFirst = firstUnacked;
                }
                pendingLast = seg.lastSeq;
            }
            deleteSegment(oldest.getKey());
        }
    }

    private void deleteSegment(long key) throws IOException {
        Segment seg = segments.remove(key);
        totalBytes -= seg.bytes;
        Files.deleteIfExists(seg.path);
    }

    /** The gateway has every entry up to {@code seq}: remember it and free what it covers. */
    public void ack(long seq) {
        synchronized (this) {
            if (closed || seq <= acked) {
                return;
            }
            acked = Math.min(seq, nextSeq - 1);
            try {
                // always 21 bytes: one positioned write replaces the last value, no truncate needed
                ByteBuffer b = ByteBuffer.wrap((padded(acked) + "\n").getBytes(StandardCharsets.US_ASCII));
                ackedFile.write(b, 0);
                dropAcked(false);
            } catch (IOException e) {
                throw new UncheckedIOException("spool ack write failed", e);
            }
        }
    }

    /**
     * Deletes the segments every entry of which is acked. The segment being written stays until it
     * rolls (or the spool closes): at steady state every ack covers all that was written, and
     * dropping it would create and delete a file per batch.
     */
    private void dropAcked(boolean includeActive) throws IOException {
        while (!segments.isEmpty()) {
            Segment seg = segments.firstEntry().getValue();
            if (seg.lastSeq > acked || (seg == active && !includeActive)) {
                break;
            }
            if (seg == active) {
                if (writer != null) {
                    writer.close();
                    writer = null;
                }
                active = null;
            }
            deleteSegment(seg.firstSeq);
        }
    }

    public synchronized long acked() {
        return acked;
    }

    /** The seq the next entry will get. */
    public synchronized long nextSeq() {
        return nextSeq;
    }

    public synchronized long lastSeq() {
        return nextSeq - 1;
    }

    public synchronized long bytes() {
        return totalBytes;
    }

    public synchronized long droppedTotal() {
        return droppedTotal;
    }

    /** Entries spooled and not yet acked (seqs are consecutive, so this is a difference). */
    public synchronized long pending() {
        if (segments.isEmpty()) {
            return 0;
        }
        long first = Math.max(segments.firstKey(), acked + 1);
        return Math.max(0, nextSeq - first);
    }

    /**
     * Reads up to {@code maxEntries} entries (and about {@code maxBytes} of payload, at least one
     * entry) with seq greater than {@code after}, in order. Reads from disk, so memory stays small
     * however much is spooled.
     */
    public List<Entry> read(long after, int maxEntries, int maxBytes) {
        Segment seg;
        long limitPos;
        long startPos = 0;
        synchronized (this) {
            Map.Entry<Long, Segment> floor = segments.floorEntry(after + 1);
            if (floor == null) {
                floor = segments.ceilingEntry(after + 1);
            }
            if (floor == null) {
                return List.of();
            }
            // the segment holding after+1, or the first one after it
            seg = floor.getValue();
            if (seg.lastSeq <= after) {
                Map.Entry<Long, Segment> next = segments.higherEntry(seg.firstSeq);
                if (next == null) {
                    return List.of();
                }
                seg = next.getValue();
            }
            limitPos = seg.bytes;
            if (hintSegment == seg && hintAfter == after) {
                startPos = hintPos; // continue where the previous read stopped instead of rescanning
            }
        }
        List<Entry> out = new ArrayList<>();
        int bytes = 0;
        while (true) {
            try (FileChannel ch = FileChannel.open(seg.path, StandardOpenOption.READ)) {
                RecordReader r = new RecordReader(ch, startPos);
                Entry e;
                long before = r.position();
                while (out.size() < maxEntries && (e = r.next(limitPos)) != null) {
                    if (e.seq() <= after) {
                        before = r.position();
                        continue;
                    }
                    if (!out.isEmpty() && bytes + e.payload().length > maxBytes) {
                        remember(seg, before, out);
                        return out;
                    }
                    out.add(e);
                    bytes += e.payload().length;
                    before = r.position();
                }
                remember(seg, before, out);
            } catch (NoSuchFileException gone) {
                // dropped or acked while we read: start over from what is left
                return out.isEmpty() ? readAgain(after, maxEntries, maxBytes) : out;
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
            if (out.size() >= maxEntries) {
                return out;
            }
            synchronized (this) {
                Map.Entry<Long, Segment> next = segments.higherEntry(seg.firstSeq);
                if (next == null) {
                    return out;
                }
                seg = next.getValue();
                limitPos = seg.bytes;
                startPos = 0;
            }
        }
    }

    private Segment hintSegment;
    private long hintPos;
    private long hintAfter = Long.MIN_VALUE;

    private synchronized void remember(Segment seg, long pos, List<Entry> out) {
        if (!out.isEmpty()) {
            hintSegment = seg;
            hintPos = pos;
            hintAfter = out.get(out.size() - 1).seq();
        }
    }

    private List<Entry> readAgain(long after, int maxEntries, int maxBytes) {
        synchronized (this) {
            if (segments.isEmpty()) {
                return List.of();
            }
        }
        return read(after, maxEntries, maxBytes);
    }

    @Override
    public void close() throws IOException {
        synchronized (this) {
            if (!closed && active != null && active.lastSeq <= acked) {
                dropAcked(true);
            }
            closed = true;
            if (writer != null) {
                writer.force(false);
                writer.close();
                writer = null;
            }
            ackedFile.close();
        }
    }

    /** Sequential reader of one segment's records; stops at the first incomplete or corrupt one. */
    /**
     * Reads records in order from {@code pos}, through a 16 KB window: one pread per window, not
     * two per record (a batch of a few hundred small events was a few hundred syscalls).
     */
    static final class RecordReader {
        private static final int WINDOW = 16 * 1024;
        private final FileChannel ch;
        private final long size;
        private long pos;
        private ByteBuffer window = ByteBuffer.allocate(WINDOW);
        private long windowStart = -1;
        private int windowLength;
        private final CRC32 crc = new CRC32();

        RecordReader(FileChannel ch, long pos) throws IOException {
            this.ch = ch;
            this.pos = pos;
            this.size = ch.size();
        }

        long position() {
            return pos;
        }

        Entry next(long limit) throws IOException {
            long end = Math.min(limit, size);
            if (pos + HEADER > end) {
                return null;
            }
            int at = load(pos, HEADER, end);
            int len = window.getInt(at);
            int sum = window.getInt(at + 4);
            long seq = window.getLong(at + 8);
            if (len < 0 || len > MAX_PAYLOAD || pos + HEADER + len > end) {
                return null;
            }
            at = load(pos, HEADER + len, end);
            byte[] payload = new byte[len];
            window.get(at + HEADER, payload);
            crc.reset();
            crc.update(window.array(), at + 8, 8);
            crc.update(payload);
            if ((int) crc.getValue() != sum) {
                return null;
            }
            pos += HEADER + len;
            return new Entry(seq, payload);
        }

        /** Makes the window hold bytes [from, from + n) (all below {@code end}); returns from's index in it. */
        private int load(long from, int n, long end) throws IOException {
            if (windowStart >= 0 && from >= windowStart && from + n <= windowStart + windowLength) {
                return (int) (from - windowStart);
            }
            if (n > window.capacity()) {
                window = ByteBuffer.allocate(n);
            }
            int want = (int) Math.min(window.capacity(), end - from);
            window.clear().limit(want);
            while (window.hasRemaining()) {
                if (ch.read(window, from + window.position()) < 0) {
                    throw new IOException("unexpected end of segment");
                }
            }
            windowStart = from;
            windowLength = want;
            return 0;
        }
    }
}
