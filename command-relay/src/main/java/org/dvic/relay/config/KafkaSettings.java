package org.dvic.relay.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import jakarta.validation.constraints.NotBlank;

/** {@code dvic.kafka.*}: where Kafka is. */
@ConfigurationProperties("dvic.kafka")
public class KafkaSettings {
    @NotBlank(message = "dvic.kafka.bootstrap-servers (DVIC_KAFKA_BOOTSTRAP_SERVERS) is required")
    private String bootstrapServers;

    public String getBootstrapServers() {
        return bootstrapServers;
    }

    public void setBootstrapServers(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }
}
