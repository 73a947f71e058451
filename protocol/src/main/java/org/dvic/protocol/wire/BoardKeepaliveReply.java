package org.dvic.protocol.wire;

import org.dvic.protocol.Check;
import org.dvic.protocol.event.Command;

import java.util.List;

/** Answer to a board keep-alive (HTTP 202): the commands pending for that board, oldest first. */
public record BoardKeepaliveReply(List<Command> commands) {
    public BoardKeepaliveReply {
        commands = List.copyOf(Check.required(commands, "commands"));
    }
}
