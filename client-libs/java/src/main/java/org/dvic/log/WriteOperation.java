package org.dvic.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** How bytes reach the file: {@link FileChannel#write}; a seam for tests to inject a full disk. */
@FunctionalInterface
public interface WriteOperation {
    WriteOperation CHANNEL = FileChannel::write;

    /** Writes some of {@code data}, advancing its position; returns the bytes written. */
    int write(FileChannel channel, ByteBuffer data) throws IOException;
}
