package org.dvic.agent.demolog;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Where each demo log file was read up to: one small file per log, rewritten in place (one
 * {@code pwrite} of a fixed-size record, so a {@code kill -9} never leaves half a record). It is
 * written after the lines are in the spool: a crash between the two can repeat the lines of one
 * read, never lose them.
 */
public final class OffsetStore {
    private static final int RECORD = 128;
    private final Path dir;

    /** The file identity (device and inode) the offset belongs to, the offset, and whether the log is done with. */
    public record State(String fileKey, long offset, boolean finished) {
    }

    public OffsetStore(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
    }

    public State load(String key) {
        try {
            String s = Files.readString(file(key), StandardCharsets.US_ASCII).trim();
            String[] parts = s.split(" ");
            if (parts.length != 3) {
                return null;
            }
            return new State(parts[0], Long.parseLong(parts[1]), Boolean.parseBoolean(parts[2]));
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** An open handle for one log's record, so saving costs one write. */
    public Handle open(String key) throws IOException {
        return new Handle(FileChannel.open(file(key), StandardOpenOption.CREATE, StandardOpenOption.WRITE));
    }

    public void delete(String key) {
        try {
            Files.deleteIfExists(file(key));
        } catch (IOException ignored) {
            // a stale offset file is harmless: its file key will not match a new log
        }
    }

    private Path file(String key) {
        return dir.resolve(key + ".offset");
    }

    public static final class Handle implements Closeable {
        private final FileChannel ch;
        private final ByteBuffer buf = ByteBuffer.allocate(RECORD);

        Handle(FileChannel ch) {
            this.ch = ch;
        }

        public void save(String fileKey, long offset, boolean finished) throws IOException {
            String s = fileKey.replace(' ', '_') + " " + offset + " " + finished;
            byte[] b = s.getBytes(StandardCharsets.US_ASCII);
            if (b.length >= RECORD) {
                throw new IOException("offset record too long");
            }
            buf.clear();
            buf.put(b);
            while (buf.position() < RECORD - 1) {
                buf.put((byte) ' ');
            }
            buf.put((byte) '\n');
            buf.flip();
            while (buf.hasRemaining()) {
                ch.write(buf, buf.position());
            }
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }
}
