package org.dvic.store;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;

import java.net.InetSocketAddress;

/**
 * Opens the Cassandra session of a service: connects, brings the keyspace to the latest migration,
 * and hands back a session on which every repository of this module can be built.
 */
public final class CassandraStore {
    private CassandraStore() {
    }

    /** Connects and migrates; the caller owns (and closes) the session. */
    public static CqlSession open(StoreSettings settings) {
        CqlSession session = connect(settings);
        try {
            new Migrations(session, settings.keyspace(), settings.replication()).apply();
            return session;
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
    }

    /** Connects without touching the schema. */
    public static CqlSession connect(StoreSettings settings) {
        DriverConfigLoader config = DriverConfigLoader.programmaticBuilder()
                .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, settings.requestTimeout())
                // Schema changes on a loaded single node can take longer than the 2 s default.
                .withDuration(DefaultDriverOption.METADATA_SCHEMA_REQUEST_TIMEOUT, settings.requestTimeout())
                .withDuration(DefaultDriverOption.CONTROL_CONNECTION_AGREEMENT_TIMEOUT, settings.requestTimeout())
                // A DDL completes only after the driver refreshed its schema metadata, which it
                // debounces by 1 s by default: migrations would pay that per statement.
                .withDuration(DefaultDriverOption.METADATA_SCHEMA_WINDOW, java.time.Duration.ofMillis(20))
                .build();
        var builder = CqlSession.builder().withConfigLoader(config).withLocalDatacenter(settings.localDatacenter());
        for (InetSocketAddress point : settings.contactPoints()) {
            builder.addContactPoint(point.isUnresolved()
                    ? new InetSocketAddress(point.getHostString(), point.getPort()) : point);
        }
        return builder.build();
    }
}
