package org.dvic.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.List;

/**
 * The file of one logger: creation, header, rotation, failed writes (FORMAT.md §1, §6, §9).
 * Only one thread at a time may call into a LogFile; {@link DvicLogger} serialises it.
 */
final class LogFile {
    private static final byte[] NEWLINE = {'\n'};

    private final Path path;
    private final byte[] header;
    private final long maxFileBytes;
    private final WriteOperation write;
    private FileChannel channel;
    private long size;
    private boolean midLine; // a failed write left the file ending inside a line
    private boolean interrupted; // an interrupt closed the channel: reopen the same file, no new header

    LogFile(Path path, byte[] header, long maxFileBytes, WriteOperation write) {
        this.path = path;
        this.header = header;
        this.maxFileBytes = maxFileBytes;
        this.write = write;
        ready();
    }

    Path path() {
        return path;
    }

    /** Appends encoded lines in order; returns how many (a prefix of them) reached the file. */
    int writeLines(List<byte[]> lines) {
        int written = 0;
        while (written < lines.size()) {
            if (!ready()) {
                break;
            }
            int count = linesThatFit(lines, written);
            if (count == 0) {
                rotate();
                continue;
            }
            int done = append(lines, written, count);
            written += done;
            if (done < count) {
                break;
            }
        }
        return written;
    }

    void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing left to do with a channel that cannot be closed
            }
            channel = null;
        }
    }

    /** Opens the file and writes its header if that is not done yet; false if it failed. */
    private boolean ready() {
        if (channel != null) {
            return true;
        }
        if (interrupted) {
            return reopen();
        }
        try {
            // CREATE_NEW is O_CREAT|O_EXCL: never an existing file, never through a symlink.
            channel = FileChannel.open(path, EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (IOException | RuntimeException e) {
            return false;
        }
        size = 0;
        midLine = false;
        if (writeAll(header) < header.length) {
            // A file without a complete header is useless to the agent: start over next time.
            close();
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                // then the next create fails and counts its lines as dropped
            }
            return false;
        }
        return true;
    }

    /** Our file still exists; in the sticky /tmp nobody else can have replaced it. */
    private boolean reopen() {
        try {
            channel = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.APPEND,
                    LinkOption.NOFOLLOW_LINKS);
            interrupted = false;
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private int linesThatFit(List<byte[]> lines, int start) {
        boolean holdsOnlyHeader = size == header.length;
        long projected = size + (midLine ? 1 : 0);
        int count = 0;
        for (int i = start; i < lines.size(); i++) {
            if (projected + lines.get(i).length > maxFileBytes && !(holdsOnlyHeader && count == 0)) {
                break;
            }
            projected += lines.get(i).length;
            count++;
        }
        return count;
    }

    private void rotate() {
        close();
        try {
            Files.move(path, path.resolveSibling(path.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // e.g. someone removed the file: the next open creates it anew
        }
    }

    private int append(List<byte[]> lines, int start, int count) {
        int lead = midLine ? 1 : 0;
        int total = lead;
        for (int i = start; i < start + count; i++) {
            total += lines.get(i).length;
        }
        ByteBuffer data = ByteBuffer.allocate(total);
        if (lead == 1) {
            data.put(NEWLINE);
        }
        for (int i = start; i < start + count; i++) {
            data.put(lines.get(i));
        }
        long done = writeAll(data.array());
        if (done == total) {
            midLine = false;
            return count;
        }
        // Count whole lines that made it; the rest is dropped by the caller.
        long remaining = Math.max(0, done - lead);
        int complete = 0;
        for (int i = start; i < start + count && remaining >= lines.get(i).length; i++) {
            remaining -= lines.get(i).length;
            complete++;
        }
        if (done > 0) {
            midLine = remaining != 0;
        }
        return complete;
    }

    /** Writes data; returns how many bytes reached the file before an error. */
    private long writeAll(byte[] data) {
        ByteBuffer buffer = ByteBuffer.wrap(data);
        long done = 0;
        while (buffer.hasRemaining()) {
            int n;
            try {
                n = write.write(channel, buffer);
            } catch (ClosedChannelException e) {
                // A thread interrupted during flush() closes the channel (NIO's rule).
                channel = null;
                interrupted = true;
                break;
            } catch (IOException | RuntimeException e) {
                break;
            }
            if (n <= 0) {
                break;
            }
            done += n;
        }
        size += done;
        return done;
    }
}
