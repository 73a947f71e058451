package org.dvic.streams.service;

import io.micronaut.context.annotation.ConfigurationProperties;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.dvic.store.StoreSettings;
import org.dvic.streams.liveness.LivenessSettings;
import org.dvic.streams.StreamProcessors;
import org.dvic.streams.rollup.RollupTopology;
import org.dvic.streams.sink.SinkSettings;
import org.dvic.streams.sink.Sinks;

import java.time.Duration;
import java.util.List;

/**
 * Every setting of the stream processors ({@code dvic.*}); README.md lists them with their defaults
 * and environment variables. Validated at start-up: a missing or invalid value stops the service
 * with the setting's name.
 */
@ConfigurationProperties("dvic")
public class ProcessorSettings {

    /** {@code dvic.kafka.*} */
    @ConfigurationProperties("kafka")
    public static class Kafka {
        @NotBlank(message = "dvic.kafka.bootstrap-servers (DVIC_KAFKA_BOOTSTRAP_SERVERS) is required")
        private String bootstrapServers;

        public String getBootstrapServers() {
            return bootstrapServers;
        }

        public void setBootstrapServers(String bootstrapServers) {
            this.bootstrapServers = bootstrapServers;
        }
    }

    /** {@code dvic.topics.*} */
    @ConfigurationProperties("topics")
    public static class Topics {
        @NotNull
        @Pattern(regexp = "[a-zA-Z0-9._-]*", message = "dvic.topics.namespace: letters, digits, . _ - only")
        private String namespace = "";

        public String getNamespace() {
            return namespace;
        }

        public void setNamespace(String namespace) {
            this.namespace = namespace;
        }
    }

    /** {@code dvic.cassandra.*} */
    @ConfigurationProperties("cassandra")
    public static class Cassandra {
        @NotBlank(message = "dvic.cassandra.contact-points (DVIC_CASSANDRA_CONTACT_POINTS) is required, host:port,...")
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
            return new StoreSettings(StoreSettings.parseContactPoints(contactPoints), localDatacenter, keyspace,
                    replication, requestTimeout);
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

    /** {@code dvic.streams.*}: the Kafka Streams applications. */
    @ConfigurationProperties("streams")
    public static class Streams {
        @NotBlank
        @Pattern(regexp = "[a-zA-Z0-9._-]+", message = "dvic.streams.application-id: letters, digits, . _ - only")
        private String applicationId = "dvic-stream-processors";
        @NotBlank
        private String stateDir = System.getProperty("java.io.tmpdir") + "/dvic-stream-processors";
        @Min(1)
        private int threads = 1;
        /** -1: the broker's default.replication.factor. */
        @Min(-1)
        private int replicationFactor = -1;
        @NotNull
        private Duration commitInterval = Duration.ofMillis(100);
        @NotNull
        private List<@Pattern(regexp = "liveness|rollups", message = "dvic.streams.run: liveness, rollups") String> run =
                List.of("liveness", "rollups");

        public String getApplicationId() {
            return applicationId;
        }

        public void setApplicationId(String applicationId) {
            this.applicationId = applicationId;
        }

        public String getStateDir() {
            return stateDir;
        }

        public void setStateDir(String stateDir) {
            this.stateDir = stateDir;
        }

        public int getThreads() {
            return threads;
        }

        public void setThreads(int threads) {
            this.threads = threads;
        }

        public int getReplicationFactor() {
            return replicationFactor;
        }

        public void setReplicationFactor(int replicationFactor) {
            this.replicationFactor = replicationFactor;
        }

        public Duration getCommitInterval() {
            return commitInterval;
        }

        public void setCommitInterval(Duration commitInterval) {
            this.commitInterval = commitInterval;
        }

        public List<String> getRun() {
            return run;
        }

        public void setRun(List<String> run) {
            this.run = run;
        }
    }

    /** {@code dvic.liveness.*} */
    @ConfigurationProperties("liveness")
    public static class Liveness {
        @Min(1)
        private int heartbeatMultiplier = LivenessSettings.DEFAULTS.heartbeatMultiplier();
        @NotNull
        private Duration defaultTimeout = LivenessSettings.DEFAULTS.defaultTimeout();
        @NotNull
        private Duration checkInterval = LivenessSettings.DEFAULTS.checkInterval();
        @NotNull
        private Duration exitedRetention = LivenessSettings.DEFAULTS.exitedRetention();

        public LivenessSettings toSettings() {
            return new LivenessSettings(heartbeatMultiplier, defaultTimeout, checkInterval, exitedRetention);
        }

        public int getHeartbeatMultiplier() {
            return heartbeatMultiplier;
        }

        public void setHeartbeatMultiplier(int heartbeatMultiplier) {
            this.heartbeatMultiplier = heartbeatMultiplier;
        }

        public Duration getDefaultTimeout() {
            return defaultTimeout;
        }

        public void setDefaultTimeout(Duration defaultTimeout) {
            this.defaultTimeout = defaultTimeout;
        }

        public Duration getCheckInterval() {
            return checkInterval;
        }

        public void setCheckInterval(Duration checkInterval) {
            this.checkInterval = checkInterval;
        }

        public Duration getExitedRetention() {
            return exitedRetention;
        }

        public void setExitedRetention(Duration exitedRetention) {
            this.exitedRetention = exitedRetention;
        }
    }

    /** {@code dvic.rollups.*} */
    @ConfigurationProperties("rollups")
    public static class Rollups {
        @NotNull
        private Duration minuteGrace = RollupTopology.Settings.DEFAULTS.minuteGrace();
        @NotNull
        private Duration hourGrace = RollupTopology.Settings.DEFAULTS.hourGrace();
        @NotNull
        private Duration commitInterval = StreamProcessors.ROLLUP_COMMIT_INTERVAL;

        public RollupTopology.Settings toSettings() {
            return new RollupTopology.Settings(minuteGrace, hourGrace);
        }

        public Duration getCommitInterval() {
            return commitInterval;
        }

        public void setCommitInterval(Duration commitInterval) {
            this.commitInterval = commitInterval;
        }

        public Duration getMinuteGrace() {
            return minuteGrace;
        }

        public void setMinuteGrace(Duration minuteGrace) {
            this.minuteGrace = minuteGrace;
        }

        public Duration getHourGrace() {
            return hourGrace;
        }

        public void setHourGrace(Duration hourGrace) {
            this.hourGrace = hourGrace;
        }
    }

    /** {@code dvic.sinks.*} */
    @ConfigurationProperties("sinks")
    public static class SinkConfig {
        @NotNull
        private List<@Pattern(regexp = "metrics-raw|metrics-1m|metrics-1h|logs|node-status|process-status|inventory|registry",
                message = "dvic.sinks.enabled: metrics-raw, metrics-1m, metrics-1h, logs, node-status,"
                        + " process-status, inventory, registry") String> enabled = Sinks.NAMES;
        @Min(1)
        private int maxInFlight = SinkSettings.DEFAULTS.maxInFlight();
        @Min(1)
        private int maxPollRecords = SinkSettings.DEFAULTS.maxPollRecords();
        @NotNull
        private Duration retryBackoffMax = SinkSettings.DEFAULTS.retryBackoffMax();

        public SinkSettings toSettings() {
            return new SinkSettings(maxInFlight, maxPollRecords, retryBackoffMax);
        }

        public List<String> getEnabled() {
            return enabled;
        }

        public void setEnabled(List<String> enabled) {
            this.enabled = enabled;
        }

        public int getMaxInFlight() {
            return maxInFlight;
        }

        public void setMaxInFlight(int maxInFlight) {
            this.maxInFlight = maxInFlight;
        }

        public int getMaxPollRecords() {
            return maxPollRecords;
        }

        public void setMaxPollRecords(int maxPollRecords) {
            this.maxPollRecords = maxPollRecords;
        }

        public Duration getRetryBackoffMax() {
            return retryBackoffMax;
        }

        public void setRetryBackoffMax(Duration retryBackoffMax) {
            this.retryBackoffMax = retryBackoffMax;
        }
    }
}
