package org.dvic.protocol.event;

import org.dvic.protocol.Check;
import org.dvic.protocol.InvalidFieldException;
import org.dvic.protocol.Limits;
import org.dvic.protocol.Nullable;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * An operator's order to a node, on {@code dvic.commands}. Every command has its own id (the
 * delivery and audit key), who issued it, when, and a deadline after which it must not run.
 * Terminal input, resize and close refer to the terminal by the id of its {@link TerminalOpen}.
 */
public sealed interface Command extends Event {
    UUID commandId();

    UUID nodeId();

    String issuedBy();

    long issuedAt();

    long expiresAt();

    private static void checkCommon(UUID commandId, UUID nodeId, String issuedBy, long issuedAt, long expiresAt) {
        Check.required(commandId, "commandId");
        Check.required(nodeId, "nodeId");
        Check.nonBlank(issuedBy, "issuedBy", Limits.NAME);
        Check.nonNegative(issuedAt, "issuedAt");
        if (expiresAt < issuedAt) {
            throw new InvalidFieldException("expiresAt", "must not be before issuedAt");
        }
    }

    private static void checkTerminalSize(int cols, int rows) {
        if (cols < 1 || cols > 1000) {
            throw new InvalidFieldException("cols", "must be between 1 and 1000");
        }
        if (rows < 1 || rows > 1000) {
            throw new InvalidFieldException("rows", "must be between 1 and 1000");
        }
    }

    /** Run {@code commandLine} with the node's shell; output streams back as {@link CommandEvent.Output}. */
    record Exec(UUID commandId, UUID nodeId, String issuedBy, long issuedAt, long expiresAt, String commandLine,
                long timeoutMs) implements Command {
        public static final String TYPE = "exec";

        public Exec {
            checkCommon(commandId, nodeId, issuedBy, issuedAt, expiresAt);
            Check.nonBlank(commandLine, "commandLine", Limits.COMMAND_LINE);
            Check.positive(timeoutMs, "timeoutMs");
        }
    }

    /** Send a signal to a demo process, named by its log token and pid (both must match: no pid reuse accidents). */
    record Signal(UUID commandId, UUID nodeId, String issuedBy, long issuedAt, long expiresAt, String token, long pid,
                  SignalName signal) implements Command {
        public static final String TYPE = "signal";

        public Signal {
            checkCommon(commandId, nodeId, issuedBy, issuedAt, expiresAt);
            Check.matches(token, "token", ProcessState.TOKEN, "a demo process token");
            Check.positive(pid, "pid");
            Check.required(signal, "signal");
        }
    }

    enum SignalName {
        TERM, KILL, INT, HUP
    }

    /** Open a pseudo-terminal; output comes back as {@link CommandEvent.Output} with this command's id. */
    record TerminalOpen(UUID commandId, UUID nodeId, String issuedBy, long issuedAt, long expiresAt, int cols,
                        int rows, long idleTimeoutMs) implements Command {
        public static final String TYPE = "terminal-open";

        public TerminalOpen {
            checkCommon(commandId, nodeId, issuedBy, issuedAt, expiresAt);
            checkTerminalSize(cols, rows);
            Check.positive(idleTimeoutMs, "idleTimeoutMs");
        }
    }

    /** Keystrokes for an open terminal. */
    record TerminalInput(UUID commandId, UUID nodeId, String issuedBy, long issuedAt, long expiresAt,
                         UUID terminalId, String data) implements Command {
        public static final String TYPE = "terminal-input";

        public TerminalInput {
            checkCommon(commandId, nodeId, issuedBy, issuedAt, expiresAt);
            Check.required(terminalId, "terminalId");
            Check.text(data, "data", Limits.OUTPUT_CHUNK);
        }
    }

    record TerminalResize(UUID commandId, UUID nodeId, String issuedBy, long issuedAt, long expiresAt,
                          UUID terminalId, int cols, int rows) implements Command {
        public static final String TYPE = "terminal-resize";

        public TerminalResize {
            checkCommon(commandId, nodeId, issuedBy, issuedAt, expiresAt);
            Check.required(terminalId, "terminalId");
            checkTerminalSize(cols, rows);
        }
    }

    record TerminalClose(UUID commandId, UUID nodeId, String issuedBy, long issuedAt, long expiresAt,
                         UUID terminalId) implements Command {
        public static final String TYPE = "terminal-close";

        public TerminalClose {
            checkCommon(commandId, nodeId, issuedBy, issuedAt, expiresAt);
            Check.required(terminalId, "terminalId");
        }
    }

    /**
     * Replace the agent with the jar at {@code url}, verified against {@code sha256} before it is used;
     * {@code signature} is the relay's {@link org.dvic.protocol.identity.UpdateSignature} over version
     * and hash, which the agent checks with its configured update public key first.
     */
    record Update(UUID commandId, UUID nodeId, String issuedBy, long issuedAt, long expiresAt, String version,
                  String url, String sha256, String signature, @Nullable String note) implements Command {
        public static final String TYPE = "update";
        private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
        private static final Pattern HTTP_URL = Pattern.compile("https?://\\S+");
        private static final Pattern SIGNATURE = Pattern.compile("[A-Za-z0-9_-]{86}");

        public Update {
            checkCommon(commandId, nodeId, issuedBy, issuedAt, expiresAt);
            Check.nonBlank(version, "version", Limits.NAME);
            Check.matches(url, "url", HTTP_URL, "an http(s) URL");
            Check.text(url, "url", Limits.TEXT);
            Check.matches(sha256, "sha256", SHA256_HEX, "64 lower-case hex digits");
            Check.matches(signature, "signature", SIGNATURE, "an Ed25519 signature, 86 base64url characters");
            Check.optionalText(note, "note", Limits.TEXT);
        }
    }
}
