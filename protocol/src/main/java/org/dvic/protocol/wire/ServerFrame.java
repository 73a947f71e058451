package org.dvic.protocol.wire;

import org.dvic.protocol.Check;
import org.dvic.protocol.Limits;
import org.dvic.protocol.Nullable;
import org.dvic.protocol.event.Command;
import org.dvic.protocol.event.Rejected;

/**
 * Gateway to agent. Each frame is an object with exactly one key that names its kind:
 * {@code {"ack":N}}, {@code {"command":{...}}} or {@code {"error":{...}}}.
 */
public sealed interface ServerFrame {

    /** Every event with seq up to {@code ack} is durably in Kafka: the agent may drop it from its spool. */
    record Ack(long ack) implements ServerFrame {
        public Ack {
            Check.nonNegative(ack, "ack");
        }
    }

    /** A command for this node. */
    record CommandDelivery(Command command) implements ServerFrame {
        public CommandDelivery {
            Check.required(command, "command");
        }
    }

    /**
     * Something the agent sent was refused. {@code seq} names the refused batch when the error is
     * about one; such a batch is not acked, and the agent must not resend it unchanged.
     */
    record ErrorFrame(String code, String message, @Nullable Long seq) implements ServerFrame {
        public ErrorFrame {
            Check.matches(code, "code", Rejected.REASON, "a kebab-case error code");
            Check.text(message, "message", Limits.TEXT);
        }
    }
}
