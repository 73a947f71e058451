package org.dvic.store;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Applies the numbered {@code db/migrations/V###__name.cql} files in order, each exactly once,
 * recording version, name and checksum in {@code schema_migrations}. Two services starting at the
 * same moment take turns through a lightweight-transaction lock row, so no file runs twice; a file
 * changed after it was applied stops start-up instead of being silently skipped.
 */
public final class Migrations {
    static final String INDEX = "db/migrations/migrations.list";
    private static final Pattern FILE = Pattern.compile("V(\\d{3})__([a-z0-9_]+)\\.cql");
    private static final Duration LOCK_TTL = Duration.ofMinutes(2);
    private static final Duration LOCK_WAIT = Duration.ofMinutes(3);

    private final CqlSession session;
    private final String keyspace;
    private final String replication;
    private final String owner = ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID();

    public Migrations(CqlSession session, String keyspace, String replication) {
        this.session = session;
        this.keyspace = keyspace;
        this.replication = replication;
    }

    /** A migration file: its version, name, statements and checksum. */
    public record Migration(int version, String name, List<String> statements, String checksum) {
    }

    /** Brings the keyspace to the latest version; returns the versions this call applied. */
    public List<Integer> apply() {
        bootstrap();
        acquireLock();
        try {
            Map<Integer, String> applied = appliedChecksums();
            List<Integer> done = new ArrayList<>();
            for (Migration m : load()) {
                String checksum = applied.get(m.version());
                if (checksum != null) {
                    if (!checksum.equals(m.checksum())) {
                        throw new IllegalStateException("migration V" + m.version() + "__" + m.name()
                                + " changed after it was applied to keyspace " + keyspace
                                + ": add a new migration instead of editing an applied one");
                    }
                    continue;
                }
                for (String statement : m.statements()) {
                    session.execute(SimpleStatement.newInstance(statement).setTimeout(Duration.ofMinutes(1)));
                }
                session.execute(SimpleStatement.newInstance("INSERT INTO " + keyspace
                                + ".schema_migrations (version, name, checksum, applied_at, applied_by) VALUES (?, ?, ?, ?, ?)",
                        m.version(), m.name(), m.checksum(), Instant.now(), owner));
                done.add(m.version());
            }
            return done;
        } finally {
            releaseLock();
        }
    }

    /** The migrations shipped with this module, in order. */
    public List<Migration> load() {
        List<Migration> migrations = new ArrayList<>();
        int expected = 1;
        for (String file : resource(INDEX).lines().map(String::trim).filter(l -> !l.isEmpty()).toList()) {
            Matcher m = FILE.matcher(file);
            if (!m.matches()) {
                throw new IllegalStateException("migration file name '" + file + "' is not V###__name.cql");
            }
            int version = Integer.parseInt(m.group(1));
            if (version != expected++) {
                throw new IllegalStateException("migration " + file + " is out of sequence: expected V"
                        + String.format("%03d", expected - 1));
            }
            String text = resource("db/migrations/" + file);
            migrations.add(new Migration(version, m.group(2), statements(text.replace("${keyspace}", keyspace)),
                    sha256(text)));
        }
        return migrations;
    }

    private void bootstrap() {
        session.execute(SimpleStatement.newInstance("CREATE KEYSPACE IF NOT EXISTS " + keyspace
                + " WITH replication = " + replication).setTimeout(Duration.ofMinutes(1)));
        session.execute(SimpleStatement.newInstance("CREATE TABLE IF NOT EXISTS " + keyspace + ".schema_migrations ("
                + "version int PRIMARY KEY, name text, checksum text, applied_at timestamp, applied_by text)")
                .setTimeout(Duration.ofMinutes(1)));
        session.execute(SimpleStatement.newInstance("CREATE TABLE IF NOT EXISTS " + keyspace
                + ".schema_migration_lock (id int PRIMARY KEY, owner text, acquired_at timestamp)")
                .setTimeout(Duration.ofMinutes(1)));
    }

    private void acquireLock() {
        Instant deadline = Instant.now().plus(LOCK_WAIT);
        long backoffMs = 50;
        while (true) {
            ResultSet rs = session.execute(SimpleStatement.newInstance("INSERT INTO " + keyspace
                            + ".schema_migration_lock (id, owner, acquired_at) VALUES (1, ?, ?) IF NOT EXISTS USING TTL "
                            + LOCK_TTL.toSeconds(), owner, Instant.now()));
            if (rs.wasApplied()) {
                return;
            }
            if (Instant.now().isAfter(deadline)) {
                Row holder = rs.one();
                throw new IllegalStateException("keyspace " + keyspace + " migration lock is held by "
                        + (holder == null ? "?" : holder.getString("owner")) + " for over " + LOCK_WAIT);
            }
            sleep(backoffMs);
            backoffMs = Math.min(backoffMs * 2, 1000);
        }
    }

    private void releaseLock() {
        session.execute(SimpleStatement.newInstance("DELETE FROM " + keyspace
                + ".schema_migration_lock WHERE id = 1 IF owner = ?", owner));
    }

    private Map<Integer, String> appliedChecksums() {
        Map<Integer, String> applied = new HashMap<>();
        for (Row row : session.execute("SELECT version, checksum FROM " + keyspace + ".schema_migrations")) {
            applied.put(row.getInt("version"), row.getString("checksum"));
        }
        return applied;
    }

    /** Splits a file into statements at semicolons that end a line; drops {@code --} comment lines. */
    static List<String> statements(String text) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : text.split("\n")) {
            String trimmed = line.trim();
            if (trimmed.startsWith("--") || trimmed.isEmpty()) {
                continue;
            }
            current.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                String statement = current.toString().trim();
                statements.add(statement.substring(0, statement.length() - 1));
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            throw new IllegalStateException("migration ends with an unterminated statement: " + current);
        }
        return statements;
    }

    private static String resource(String path) {
        try (InputStream in = Migrations.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + path, e);
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the migration lock", e);
        }
    }
}
