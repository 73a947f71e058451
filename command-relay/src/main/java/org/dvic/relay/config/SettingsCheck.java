package org.dvic.relay.config;

import jakarta.inject.Singleton;

/**
 * Depended on by every bean that starts work at start-up (Kafka consumers, Cassandra, the setup
 * token), so that invalid or missing settings — above all the session secret — stop the relay
 * with a message naming the setting before anything connects anywhere.
 */
@Singleton
public final class SettingsCheck {
    public SettingsCheck(AuthSettings auth, RelaySettings relay, KafkaSettings kafka, CassandraSettings cassandra,
                         TopicSettings topics) {
        if (relay.getCommandDefaultDeadline().isNegative() || relay.getCommandDefaultDeadline().isZero()) {
            throw new IllegalArgumentException("dvic.relay.command-default-deadline must be positive");
        }
        if (relay.getCommandMaxDeadline().compareTo(relay.getCommandDefaultDeadline()) < 0) {
            throw new IllegalArgumentException("dvic.relay.command-max-deadline must not be below command-default-deadline");
        }
        if (auth.getSessionTtl().isNegative() || auth.getSessionTtl().isZero()) {
            throw new IllegalArgumentException("dvic.relay.auth.session-ttl must be positive");
        }
    }
}
