package org.dvic.protocol.event;

import org.dvic.protocol.Check;
import org.dvic.protocol.Limits;

import java.util.UUID;

/**
 * What happened to a command, on {@code dvic.command-events}. The gateway says whether it reached
 * the node's socket ({@link Accepted}, {@link Undeliverable}); the agent reports output and the
 * outcome ({@link Output}, {@link Completed}, {@link Failed}) as node events with its own seq;
 * the relay marks commands whose deadline passed ({@link Expired}).
 */
public sealed interface CommandEvent extends Event {
    UUID commandId();

    UUID nodeId();

    long ts();

    /** The command was written to the socket of its node. */
    record Accepted(UUID commandId, UUID nodeId, long ts) implements CommandEvent {
        public static final String TYPE = "command-accepted";

        public Accepted {
            Check.required(commandId, "commandId");
            Check.required(nodeId, "nodeId");
            Check.nonNegative(ts, "ts");
        }
    }

    /** The command could not be delivered: node not connected anywhere, expired, or refused by the edge. */
    record Undeliverable(UUID commandId, UUID nodeId, long ts, String reason) implements CommandEvent {
        public static final String TYPE = "command-undeliverable";

        public Undeliverable {
            Check.required(commandId, "commandId");
            Check.required(nodeId, "nodeId");
            Check.nonNegative(ts, "ts");
            Check.nonBlank(reason, "reason", Limits.TEXT);
        }
    }

    /** A chunk of output; {@code chunk} numbers chunks of one command from 0, so a replay overwrites. */
    record Output(UUID commandId, UUID nodeId, long seq, long ts, long chunk, OutputStream stream, String data)
            implements CommandEvent, NodeEvent {
        public static final String TYPE = "command-output";

        public Output {
            Check.required(commandId, "commandId");
            Check.required(nodeId, "nodeId");
            Check.nonNegative(seq, "seq");
            Check.nonNegative(ts, "ts");
            Check.nonNegative(chunk, "chunk");
            Check.required(stream, "stream");
            Check.text(data, "data", Limits.OUTPUT_CHUNK);
        }
    }

    enum OutputStream {
        STDOUT, STDERR, TERMINAL
    }

    /** The command ran to its end (a terminal: it closed); {@code exitCode} as the process reported it. */
    record Completed(UUID commandId, UUID nodeId, long seq, long ts, int exitCode, long durationMs)
            implements CommandEvent, NodeEvent {
        public static final String TYPE = "command-completed";

        public Completed {
            Check.required(commandId, "commandId");
            Check.required(nodeId, "nodeId");
            Check.nonNegative(seq, "seq");
            Check.nonNegative(ts, "ts");
            Check.nonNegative(durationMs, "durationMs");
        }
    }

    /** The node could not run the command (refused by its settings, timed out, failed to start). */
    record Failed(UUID commandId, UUID nodeId, long seq, long ts, String reason) implements CommandEvent, NodeEvent {
        public static final String TYPE = "command-failed";

        public Failed {
            Check.required(commandId, "commandId");
            Check.required(nodeId, "nodeId");
            Check.nonNegative(seq, "seq");
            Check.nonNegative(ts, "ts");
            Check.nonBlank(reason, "reason", Limits.TEXT);
        }
    }

    /** The command's deadline passed before it was delivered. */
    record Expired(UUID commandId, UUID nodeId, long ts) implements CommandEvent {
        public static final String TYPE = "command-expired";

        public Expired {
            Check.required(commandId, "commandId");
            Check.required(nodeId, "nodeId");
            Check.nonNegative(ts, "ts");
        }
    }
}
