package org.dvic.store;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import org.dvic.protocol.event.CommandEvent;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/** Table {@code command_output}: output chunks of a command in order; a replayed chunk overwrites itself. */
public final class CommandOutputRepository {
    private final CqlSession session;
    private final PreparedStatement insert;
    private final PreparedStatement read;

    public CommandOutputRepository(CqlSession session, String keyspace) {
        this.session = session;
        this.insert = session.prepare("INSERT INTO " + keyspace
                + ".command_output (command_id, chunk, stream, data, ts) VALUES (?, ?, ?, ?, ?)");
        this.read = session.prepare("SELECT * FROM " + keyspace + ".command_output WHERE command_id = ?");
    }

    public CompletionStage<Void> save(CommandEvent.Output output) {
        return session.executeAsync(insert.bind(output.commandId(), output.chunk(), output.stream().name(), output.data(),
                Instant.ofEpochMilli(output.ts())).setQueryTimestamp(Writes.writeTime(output.ts()))).thenApply(rs -> null);
    }

    /** Every chunk of a command, in chunk order (node id and seq are not stored: seq 0). */
    public List<CommandEvent.Output> read(UUID commandId, UUID nodeId) {
        List<CommandEvent.Output> chunks = new ArrayList<>();
        for (Row row : session.execute(read.bind(commandId))) {
            chunks.add(new CommandEvent.Output(commandId, nodeId, 0, row.getInstant("ts").toEpochMilli(),
                    row.getLong("chunk"), CommandEvent.OutputStream.valueOf(row.getString("stream")),
                    row.getString("data")));
        }
        return chunks;
    }
}
