package org.dvic.gateway.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import java.time.Duration;

/** {@code dvic.kafka.*}: where Kafka is and how the gateway's one shared producer batches. */
@ConfigurationProperties("dvic.kafka")
public class KafkaSettings {
    @NotBlank(message = "dvic.kafka.bootstrap-servers (DVIC_KAFKA_BOOTSTRAP_SERVERS) is required")
    private String bootstrapServers;
    @Min(0)
    private int lingerMs = 5;
    @Min(1024)
    private int batchSize = 128 * 1024;
    @NotBlank
    private String compression = "lz4";
    @NotNull
    private Duration deliveryTimeout = Duration.ofMinutes(2);
    @Min(1 << 20)
    private long bufferMemory = 128L << 20;

    public String getBootstrapServers() {
        return bootstrapServers;
    }

    public void setBootstrapServers(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    public int getLingerMs() {
        return lingerMs;
    }

    public void setLingerMs(int lingerMs) {
        this.lingerMs = lingerMs;
    }

    public int getBatchSize() {
        return batchSize;
    }

    public void setBatchSize(int batchSize) {
        this.batchSize = batchSize;
    }

    public String getCompression() {
        return compression;
    }

    public void setCompression(String compression) {
        this.compression = compression;
    }

    public Duration getDeliveryTimeout() {
        return deliveryTimeout;
    }

    public void setDeliveryTimeout(Duration deliveryTimeout) {
        this.deliveryTimeout = deliveryTimeout;
    }

    public long getBufferMemory() {
        return bufferMemory;
    }

    public void setBufferMemory(long bufferMemory) {
        this.bufferMemory = bufferMemory;
    }
}
