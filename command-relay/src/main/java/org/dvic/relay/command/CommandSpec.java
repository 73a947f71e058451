package org.dvic.relay.command;

import org.dvic.protocol.Limits;
import org.dvic.protocol.event.Command;
import org.dvic.relay.api.ApiException;
import org.dvic.relay.api.RequestBody;
import org.dvic.relay.auth.Role;

import java.util.UUID;

/** What a command request asks for, validated, before it is addressed to a node. */
public sealed interface CommandSpec {
    String type();

    Role minRole();

    Command toCommand(UUID commandId, UUID nodeId, String issuedBy, long issuedAt, long expiresAt);

    record Exec(String commandLine, long timeoutMs) implements CommandSpec {
        public String type() {
            return "exec";
        }

        public Role minRole() {
            return Role.OPERATOR;
        }

        public Command toCommand(UUID commandId, UUID nodeId, String issuedBy, long issuedAt, long expiresAt) {
            return new Command.Exec(commandId, nodeId, issuedBy, issuedAt, expiresAt, commandLine, timeoutMs);
        }
    }

    record Signal(String token, long pid, Command.SignalName signal) implements CommandSpec {
        public String type() {
            return "signal";
        }

        public Role minRole() {
            return Role.OPERATOR;
        }

        public Command toCommand(UUID commandId, UUID nodeId, String issuedBy, long issuedAt, long expiresAt) {
            return new Command.Signal(commandId, nodeId, issuedBy, issuedAt, expiresAt, token, pid, signal);
        }
    }

    /** An agent update; {@link #signed} by the relay's {@link UpdateSigner} before it becomes a command. */
    record Update(String version, String url, String sha256, String note, String signature) implements CommandSpec {
        public String type() {
            return "update";
        }

        public Role minRole() {
            return Role.ADMIN;
        }

        Update signed(String sig) {
            return new Update(version, url, sha256, note, sig);
        }

        public Command toCommand(UUID commandId, UUID nodeId, String issuedBy, long issuedAt, long expiresAt) {
            if (signature == null) {
                throw new IllegalStateException("an update is signed before it is sent");
            }
            return new Command.Update(commandId, nodeId, issuedBy, issuedAt, expiresAt, version, url, sha256, signature,
                    note);
        }
    }

    /** Reads {@code command} of a request body; field errors name {@code command.<field>}. */
    static CommandSpec parse(RequestBody body, long defaultExecTimeoutMs) {
        RequestBody c = body.object("command", "type", "commandLine", "timeoutMs", "token", "pid", "signal", "version",
                "url", "sha256", "note");
        String type = c.string("type", 16);
        CommandSpec spec = switch (type) {
            case "exec" -> {
                c.only("type", "commandLine", "timeoutMs");
                String line = c.string("commandLine", Limits.COMMAND_LINE);
                if (line.isBlank()) {
                    throw ApiException.invalid("command.commandLine", "must not be blank");
                }
                Long timeout = c.optionalLong("timeoutMs", 1, 86_400_000L);
                yield new Exec(line, timeout == null ? defaultExecTimeoutMs : timeout);
            }
            case "signal" -> {
                c.only("type", "token", "pid", "signal");
                String token = c.string("token", 64);
                long pid = c.longValue("pid", 1, Integer.MAX_VALUE);
                Command.SignalName signal;
                try {
                    signal = Command.SignalName.valueOf(c.string("signal", 8));
                } catch (IllegalArgumentException e) {
                    throw ApiException.invalid("command.signal", "one of TERM, KILL, INT, HUP");
                }
                yield new Signal(token, pid, signal);
            }
            case "update" -> {
                c.only("type", "version", "url", "sha256", "note");
                yield new Update(c.string("version", Limits.NAME), c.string("url", Limits.TEXT),
                        c.string("sha256", 64), c.optionalString("note", Limits.TEXT), null);
            }
            default -> throw ApiException.invalid("command.type", "one of exec, signal, update");
        };
        // Let the protocol's own rules speak now (token pattern, URL, sha256), with the request's field names.
        try {
            // (an update is checked with a well-formed stand-in for the signature it gets when sent)
            CommandSpec check = spec instanceof Update u ? u.signed("A".repeat(86)) : spec;
            check.toCommand(UUID.randomUUID(), UUID.randomUUID(), "check", 0, 0);
        } catch (org.dvic.protocol.InvalidFieldException e) {
            throw ApiException.invalid("command." + e.field(), e.reason());
        }
        return spec;
    }
}
