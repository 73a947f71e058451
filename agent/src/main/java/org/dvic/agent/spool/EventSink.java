package org.dvic.agent.spool;

import org.dvic.protocol.event.CommandEvent;
import org.dvic.protocol.event.LogLevel;
import org.dvic.protocol.event.LogRecord;
import org.dvic.protocol.event.NodeEvent;
import org.dvic.protocol.wire.AgentCodec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.LongFunction;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Where collectors put their events: each event is built for the seq the spool gives it, encoded
 * and spooled. An event its record refuses (a field over a limit) is logged and skipped without
 * using a seq, so the seqs the gateway sees have no holes the agent made itself.
 */
public final class EventSink {
    private static final Logger LOG = Logger.getLogger(EventSink.class.getName());

    private final UUID nodeId;
    private final Spool spool;
    private final AgentCodec codec;
    /** Told when a command event was spooled: someone is watching it live, it should not linger. */
    private volatile Runnable urgent = () -> { };

    public EventSink(UUID nodeId, Spool spool, AgentCodec codec) {
        this.nodeId = nodeId;
        this.spool = spool;
        this.codec = codec;
    }

    public UUID nodeId() {
        return nodeId;
    }

    public Spool spool() {
        return spool;
    }

    /** Who sends command events at once (the gateway connection). */
    public void onUrgent(Runnable r) {
        this.urgent = r;
    }

    /** Spools one event; returns its seq or -1 if it could not be built. */
    public long emit(LongFunction<? extends NodeEvent> make) {
        boolean[] command = {false};
        long seq = spool.append(encoder(make, command));
        if (command[0]) {
            urgent.run(); // command output and outcomes: an operator is watching (a terminal echoes keystrokes)
        }
        return seq;
    }

    /** Spools events in order with one write. */
    public long emitAll(List<? extends LongFunction<? extends NodeEvent>> makers) {
        if (makers.isEmpty()) {
            return -1;
        }
        List<LongFunction<byte[]>> encoders = new ArrayList<>(makers.size());
        for (LongFunction<? extends NodeEvent> m : makers) {
            encoders.add(encoder(m));
        }
        return spool.appendAll(encoders);
    }

    /** An agent log line about the agent itself (source {@code agent}). */
    public long agentLog(LogLevel level, String message, Map<String, String> fields) {
        return emit(seq -> new LogRecord(nodeId, seq, System.currentTimeMillis(), "agent", level, message,
                fields == null || fields.isEmpty() ? null : fields, null, null));
    }

    private LongFunction<byte[]> encoder(LongFunction<? extends NodeEvent> make) {
        return encoder(make, new boolean[1]);
    }

    /** Builds and encodes the event for its seq; {@code isCommand[0]} tells whether it was a command event. */
    private LongFunction<byte[]> encoder(LongFunction<? extends NodeEvent> make, boolean[] isCommand) {
        return seq -> {
            try {
                NodeEvent e = make.apply(seq);
                isCommand[0] = e instanceof CommandEvent;
                return codec.encode(e);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "event not spooled: " + e.getMessage());
                return null;
            }
        };
    }

    /** The spool's drop notice: an agent log record that says how many entries were lost. */
    public static Spool.DropNotice dropNotice(UUID nodeId, AgentCodec codec) {
        return (dropped, first, last, seq) -> codec.encode(new LogRecord(nodeId, seq, System.currentTimeMillis(),
                "agent", LogLevel.WARN, "agent spool full: dropped " + dropped + " oldest events",
                Map.of("dvic_spool_dropped", Long.toString(dropped), "first_seq", Long.toString(first),
                        "last_seq", Long.toString(last)), null, null));
    }
}
