package org.dvic.relay.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.dvic.store.StoreSettings;

import java.time.Duration;

/** {@code dvic.cassandra.*}: where Cassandra is and which keyspace holds DVIC's tables. */
@ConfigurationProperties("dvic.cassandra")
public class CassandraSettings {
    @NotBlank(message = "dvic.cassandra.contact-points (DVIC_CASSANDRA_CONTACT_POINTS) is required, as host:port,...")
    private String contactPoints;
    @NotBlank
    private String keyspace = "dvic";
    @NotBlank
    private String localDatacenter = "datacenter1";
    @NotBlank
    private String replication = StoreSettings.DEFAULT_REPLICATION;
    @NotNull
    private Duration requestTimeout = Duration.ofSeconds(10);

    public StoreSettings toStoreSettings() {
        return new StoreSettings(StoreSettings.parseContactPoints(contactPoints), localDatacenter, keyspace, replication,
                requestTimeout);
    }

    public String getContactPoints() {
        return contactPoints;
    }

    public void setContactPoints(String contactPoints) {
        this.contactPoints = contactPoints;
    }

    public String getKeyspace() {
        return keyspace;
    }

    public void setKeyspace(String keyspace) {
        this.keyspace = keyspace;
    }

    public String getLocalDatacenter() {
        return localDatacenter;
    }

    public void setLocalDatacenter(String localDatacenter) {
        this.localDatacenter = localDatacenter;
    }

    public String getReplication() {
        return replication;
    }

    public void setReplication(String replication) {
        this.replication = replication;
    }

    public Duration getRequestTimeout() {
        return requestTimeout;
    }

    public void setRequestTimeout(Duration requestTimeout) {
        this.requestTimeout = requestTimeout;
    }
}
