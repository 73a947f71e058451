package org.dvic.store;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How to reach Cassandra and which keyspace to use. Services fill it from their typed config
 * ({@code dvic.cassandra.*}); tests give each test class a keyspace of its own.
 *
 * @param replication the CQL replication map used when the keyspace is created, e.g.
 *                    {@code {'class': 'SimpleStrategy', 'replication_factor': 1}}
 */
public record StoreSettings(List<InetSocketAddress> contactPoints, String localDatacenter, String keyspace,
                            String replication, Duration requestTimeout) {
    public static final String DEFAULT_REPLICATION = "{'class': 'SimpleStrategy', 'replication_factor': 1}";

    public StoreSettings {
        Objects.requireNonNull(contactPoints, "contactPoints");
        if (contactPoints.isEmpty()) {
            throw new IllegalArgumentException("dvic.cassandra.contact-points: at least one host:port is required");
        }
        Objects.requireNonNull(localDatacenter, "localDatacenter");
        if (keyspace == null || !keyspace.matches("[a-z][a-z0-9_]{0,47}")) {
            throw new IllegalArgumentException("dvic.cassandra.keyspace: lower-case letters, digits and _ (max 48), got '"
                    + keyspace + "'");
        }
        Objects.requireNonNull(replication, "replication");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
    }

    /** One node on this machine with the dev defaults. */
    public static StoreSettings local(int port, String keyspace) {
        return new StoreSettings(List.of(new InetSocketAddress("127.0.0.1", port)), "datacenter1", keyspace,
                DEFAULT_REPLICATION, Duration.ofSeconds(10));
    }

    /** Parses {@code host:port,host:port}. */
    public static List<InetSocketAddress> parseContactPoints(String text) {
        return java.util.Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).map(s -> {
            int colon = s.lastIndexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("dvic.cassandra.contact-points: expected host:port, got '" + s + "'");
            }
            return InetSocketAddress.createUnresolved(s.substring(0, colon), Integer.parseInt(s.substring(colon + 1)));
        }).toList();
    }
}
