package org.dvic.store;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import org.dvic.protocol.Nullable;
import org.dvic.protocol.event.Command;
import org.dvic.protocol.event.CommandEvent;
import org.dvic.protocol.json.EventTypes;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/**
 * Tables {@code command_audit} and {@code command_audit_index}: every command, who issued it, to
 * which node, when, and its latest outcome.
 *
 * <p>Cell timestamps order a command's states by kind first and time second: ISSUED (at
 * {@code issued_at}) &lt; ACCEPTED ({@code issued_at} + 1 µs) &lt; an end (its own time, but never
 * before {@code issued_at} + 2 µs). Event times alone would not do: the gateway stamps "accepted"
 * once its socket write has finished, which can be after a quick command's agent stamped
 * "completed", and an agent whose clock runs behind the relay's would leave a finished command
 * ISSUED. The stamps depend only on the row and the event, so a replay writes the same cells.
 */
public final class CommandAuditRepository {
    private final CqlSession session;
    private final PreparedStatement insert;
    private final PreparedStatement index;
    private final PreparedStatement locate;
    private final PreparedStatement outcome;
    private final PreparedStatement accepted;
    private final PreparedStatement byNode;
    private final PreparedStatement one;

    public CommandAuditRepository(CqlSession session, String keyspace) {
        this.session = session;
        this.insert = session.prepare("INSERT INTO " + keyspace + ".command_audit (node_id, issued_at, command_id, kind,"
                + " issued_by, summary, expires_at, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
        this.index = session.prepare("INSERT INTO " + keyspace
                + ".command_audit_index (command_id, node_id, issued_at) VALUES (?, ?, ?)");
        this.locate = session.prepare("SELECT node_id, issued_at FROM " + keyspace
                + ".command_audit_index WHERE command_id = ?");
        this.outcome = session.prepare("UPDATE " + keyspace + ".command_audit SET status = ?, detail = ?, exit_code = ?,"
                + " finished_at = ? WHERE node_id = ? AND issued_at = ? AND command_id = ?");
        this.accepted = session.prepare("UPDATE " + keyspace + ".command_audit SET status = 'ACCEPTED'"
                + " WHERE node_id = ? AND issued_at = ? AND command_id = ?");
        this.byNode = session.prepare("SELECT * FROM " + keyspace + ".command_audit WHERE node_id = ? LIMIT ?");
        this.one = session.prepare("SELECT * FROM " + keyspace
                + ".command_audit WHERE node_id = ? AND issued_at = ? AND command_id = ?");
    }

    /** One audit row. {@code status} is ISSUED until an outcome arrives. */
    public record AuditEntry(UUID commandId, UUID nodeId, long issuedAt, String kind, String issuedBy, String summary,
                             long expiresAt, String status, @Nullable String detail, @Nullable Integer exitCode,
                             @Nullable Long finishedAt) {
    }

    public CompletionStage<Void> recordIssued(Command command) {
        Instant issuedAt = Instant.ofEpochMilli(command.issuedAt());
        long writeTime = Writes.writeTime(command.issuedAt());
        return Writes.all(List.of(
                session.executeAsync(insert.bind(command.nodeId(), issuedAt, command.commandId(), kind(command),
                        command.issuedBy(), summary(command), Instant.ofEpochMilli(command.expiresAt()), "ISSUED")
                        .setQueryTimestamp(writeTime)),
                session.executeAsync(index.bind(command.commandId(), command.nodeId(), issuedAt)
                        .setQueryTimestamp(writeTime))));
    }

    /**
     * Records an outcome (accepted, undeliverable, completed, failed, expired); output chunks are
     * not outcomes and are ignored. Returns false when the command was never recorded as issued.
     */
    public CompletionStage<Boolean> recordOutcome(CommandEvent event) {
        if (event instanceof CommandEvent.Output) {
            return java.util.concurrent.CompletableFuture.completedFuture(true);
        }
        return session.executeAsync(locate.bind(event.commandId())).thenCompose(rs -> {
            Row where = rs.one();
            if (where == null) {
                return java.util.concurrent.CompletableFuture.completedFuture(false);
            }
            UUID nodeId = where.getUuid("node_id");
            Instant issuedAt = where.getInstant("issued_at");
            long issuedStamp = Writes.writeTime(issuedAt.toEpochMilli());
            if (event instanceof CommandEvent.Accepted) {
                return session.executeAsync(accepted.bind(nodeId, issuedAt, event.commandId())
                        .setQueryTimestamp(issuedStamp + 1)).thenApply(r -> true);
            }
            String status = EventTypes.nameOf(event.getClass()).substring("command-".length()).toUpperCase();
            String detail = null;
            Integer exitCode = null;
            if (event instanceof CommandEvent.Undeliverable u) {
                detail = u.reason();
            } else if (event instanceof CommandEvent.Failed f) {
                detail = f.reason();
            } else if (event instanceof CommandEvent.Completed c) {
                exitCode = c.exitCode();
            }
            return session.executeAsync(outcome.bind(status, detail, exitCode, Instant.ofEpochMilli(event.ts()),
                    nodeId, issuedAt, event.commandId())
                    .setQueryTimestamp(Math.max(Writes.writeTime(event.ts()), issuedStamp + 2))).thenApply(r -> true);
        });
    }

    /** A node's commands, newest first. */
    public List<AuditEntry> byNode(UUID nodeId, int limit) {
        List<AuditEntry> entries = new ArrayList<>();
        for (Row row : session.execute(byNode.bind(nodeId, limit))) {
            entries.add(entry(row));
        }
        return entries;
    }

    /** One command's row, read by its full key (the index says where it is). */
    public Optional<AuditEntry> find(UUID commandId) {
        Row where = session.execute(locate.bind(commandId)).one();
        if (where == null) {
            return Optional.empty();
        }
        Row row = session.execute(one.bind(where.getUuid("node_id"), where.getInstant("issued_at"), commandId)).one();
        return row == null ? Optional.empty() : Optional.of(entry(row));
    }

    private static AuditEntry entry(Row row) {
        return new AuditEntry(row.getUuid("command_id"), row.getUuid("node_id"), row.getInstant("issued_at").toEpochMilli(),
                row.getString("kind"), row.getString("issued_by"), row.getString("summary"),
                row.getInstant("expires_at").toEpochMilli(), row.getString("status"), row.getString("detail"),
                row.isNull("exit_code") ? null : row.getInt("exit_code"),
                row.isNull("finished_at") ? null : row.getInstant("finished_at").toEpochMilli());
    }

    private static String kind(Command command) {
        return EventTypes.nameOf(command.getClass());
    }

    /** What the audit shows of a command: never terminal keystrokes (they may hold passwords). */
    private static String summary(Command command) {
        if (command instanceof Command.Exec exec) {
            return exec.commandLine();
        }
        if (command instanceof Command.Signal signal) {
            return signal.signal() + " pid " + signal.pid() + " (" + signal.token() + ")";
        }
        if (command instanceof Command.Update update) {
            return "update to " + update.version();
        }
        if (command instanceof Command.TerminalOpen open) {
            return "terminal " + open.cols() + "x" + open.rows();
        }
        return kind(command);
    }
}
