package org.dvic.store;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import org.dvic.protocol.Nullable;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Tables {@code operators} (dashboard accounts) and {@code operator_setup} (the one-time creation of
 * the first admin). Creation and every change that must not race use lightweight transactions: two
 * relay instances never both create the same user, both win the setup, or lose each other's update.
 * The password hash is opaque here (the relay writes an Argon2id PHC string); it is never logged.
 */
public final class OperatorRepository {
    private final CqlSession session;
    private final PreparedStatement insert;
    private final PreparedStatement find;
    private final PreparedStatement all;
    private final PreparedStatement update;
    private final PreparedStatement delete;
    private final PreparedStatement setupCreate;
    private final PreparedStatement setupFind;
    private final PreparedStatement setupComplete;

    public OperatorRepository(CqlSession session, String keyspace) {
        this.session = session;
        this.insert = session.prepare("INSERT INTO " + keyspace + ".operators (username, password_hash, role, disabled,"
                + " credentials_version, created_at, created_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) IF NOT EXISTS");
        this.find = session.prepare("SELECT * FROM " + keyspace + ".operators WHERE username = ?");
        this.all = session.prepare("SELECT * FROM " + keyspace + ".operators");
        this.update = session.prepare("UPDATE " + keyspace + ".operators SET password_hash = ?, role = ?, disabled = ?,"
                + " credentials_version = ?, updated_at = ? WHERE username = ? IF credentials_version = ?");
        this.delete = session.prepare("DELETE FROM " + keyspace + ".operators WHERE username = ? IF EXISTS");
        this.setupCreate = session.prepare("INSERT INTO " + keyspace + ".operator_setup (id, token_sha256, created_at,"
                + " created_by, completed) VALUES (1, ?, ?, ?, false) IF NOT EXISTS");
        this.setupFind = session.prepare("SELECT * FROM " + keyspace + ".operator_setup WHERE id = 1");
        this.setupComplete = session.prepare("UPDATE " + keyspace + ".operator_setup SET completed = true,"
                + " completed_at = ? WHERE id = 1 IF completed = false AND token_sha256 = ?");
    }

    /** An account. {@code credentialsVersion} grows with every change; sessions carry the version they began with. */
    public record Operator(String username, String passwordHash, String role, boolean disabled, long credentialsVersion,
                           long createdAt, String createdBy, long updatedAt) {
        @Override
        public String toString() {
            // Never print the hash.
            return "Operator[" + username + ", " + role + (disabled ? ", disabled" : "") + "]";
        }
    }

    /** The setup row; {@code tokenSha256} is the hash of the printed token. */
    public record Setup(String tokenSha256, long createdAt, String createdBy, boolean completed,
                        @Nullable Long completedAt) {
    }

    /** Creates the account; false when the username is taken. */
    public boolean create(Operator op) {
        return session.execute(insert.bind(op.username(), op.passwordHash(), op.role(), op.disabled(),
                op.credentialsVersion(), Instant.ofEpochMilli(op.createdAt()), op.createdBy(),
                Instant.ofEpochMilli(op.updatedAt()))).wasApplied();
    }

    public Optional<Operator> find(String username) {
        return Optional.ofNullable(session.execute(find.bind(username)).one()).map(OperatorRepository::toOperator);
    }

    /** Every account; a lab has dozens. */
    public List<Operator> all() {
        List<Operator> ops = new ArrayList<>();
        for (Row row : session.execute(all.bind())) {
            ops.add(toOperator(row));
        }
        return ops;
    }

    /**
     * Writes {@code changed} (whose version must be {@code expectedVersion + 1}) if the stored version
     * is still {@code expectedVersion}; false when someone else changed the account meanwhile (or it is gone).
     */
    public boolean update(Operator changed, long expectedVersion) {
        if (changed.credentialsVersion() != expectedVersion + 1) {
            throw new IllegalArgumentException("credentials version must grow by one");
        }
        return session.execute(update.bind(changed.passwordHash(), changed.role(), changed.disabled(),
                changed.credentialsVersion(), Instant.ofEpochMilli(changed.updatedAt()), changed.username(),
                expectedVersion)).wasApplied();
    }

    /** Deletes the account; false when it did not exist. */
    public boolean delete(String username) {
        return session.execute(delete.bind(username)).wasApplied();
    }

    /** Records the setup token's hash if no setup row exists yet; true for the one caller that created it. */
    public boolean createSetup(String tokenSha256, long now, String createdBy) {
        return session.execute(setupCreate.bind(tokenSha256, Instant.ofEpochMilli(now), createdBy)).wasApplied();
    }

    public Optional<Setup> setup() {
        Row row = session.execute(setupFind.bind()).one();
        return Optional.ofNullable(row).map(r -> new Setup(r.getString("token_sha256"),
                r.getInstant("created_at").toEpochMilli(), r.getString("created_by"),
                !r.isNull("completed") && r.getBoolean("completed"),
                r.isNull("completed_at") ? null : r.getInstant("completed_at").toEpochMilli()));
    }

    /**
     * Marks the setup done if it is still open and {@code tokenSha256} is the stored hash; true for
     * exactly one caller, whatever the number of instances and attempts.
     */
    public boolean completeSetup(String tokenSha256, long now) {
        return session.execute(setupComplete.bind(Instant.ofEpochMilli(now), tokenSha256)).wasApplied();
    }

    private static Operator toOperator(Row row) {
        return new Operator(row.getString("username"), row.getString("password_hash"), row.getString("role"),
                !row.isNull("disabled") && row.getBoolean("disabled"), row.getLong("credentials_version"),
                row.isNull("created_at") ? 0 : row.getInstant("created_at").toEpochMilli(), row.getString("created_by"),
                row.isNull("updated_at") ? 0 : row.getInstant("updated_at").toEpochMilli());
    }
}
