package org.dvic.agent.command;

import org.dvic.agent.spool.EventSink;
import org.dvic.protocol.event.CommandEvent;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Copies a process's output into {@link CommandEvent.Output} chunks as it comes. UTF-8 is decoded
 * across reads (a character split between two reads is not mangled); invalid bytes become U+FFFD.
 * After {@code maxBytes} the rest is read and thrown away, with one chunk saying so.
 */
final class OutputStreamer {
    private final EventSink sink;
    private final UUID commandId;
    private final AtomicLong chunks;
    private final long maxBytes;
    private final AtomicLong total;

    OutputStreamer(EventSink sink, UUID commandId, AtomicLong chunks, AtomicLong total, long maxBytes) {
        this.sink = sink;
        this.commandId = commandId;
        this.chunks = chunks;
        this.total = total;
        this.maxBytes = maxBytes;
    }

    void copy(InputStream in, CommandEvent.OutputStream stream) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        byte[] raw = new byte[8192];
        ByteBuffer bytes = ByteBuffer.allocate(8192 + 8);
        CharBuffer chars = CharBuffer.allocate(8192 + 8);
        boolean capped = false;
        try {
            int n;
            while ((n = in.read(raw)) >= 0) {
                if (capped) {
                    continue;
                }
                if (total.addAndGet(n) > maxBytes) {
                    capped = true;
                    emit(stream, "\n[dvic agent: output over " + maxBytes + " bytes; the rest is not sent]\n");
                    continue;
                }
                bytes.put(raw, 0, n);
                bytes.flip();
                chars.clear();
                decoder.decode(bytes, chars, false);
                bytes.compact();
                chars.flip();
                if (chars.hasRemaining()) {
                    emit(stream, chars.toString());
                }
            }
        } catch (IOException e) {
            // the process closed its end (killed, or a PTY that went away)
        }
        bytes.flip();
        chars.clear();
        decoder.decode(bytes, chars, true);
        decoder.flush(chars);
        chars.flip();
        if (chars.hasRemaining() && !capped) {
            emit(stream, chars.toString());
        }
    }

    void emit(CommandEvent.OutputStream stream, String data) {
        long chunk = chunks.getAndIncrement();
        long ts = System.currentTimeMillis();
        sink.emit(seq -> new CommandEvent.Output(commandId, sink.nodeId(), seq, ts, chunk, stream, data));
    }
}
