package org.dvic.gateway.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import java.time.Duration;
import java.util.UUID;

/** {@code dvic.gateway.*}: the edge's limits and timings. Every key and default is listed in README.md. */
@ConfigurationProperties("dvic.gateway")
public class GatewaySettings {
    /** The largest WebSocket frame the transport accepts at all; above it the socket is closed (1009). */
    public static final int HARD_FRAME_LIMIT = 16 * 1024 * 1024;

    @NotNull
    @Pattern(regexp = "[A-Za-z0-9._-]{1,64}")
    private String id = "gw-" + UUID.randomUUID().toString().substring(0, 8);
    @Min(1024)
    @Max(HARD_FRAME_LIMIT)
    private int maxFrameBytes = 1024 * 1024;
    @Min(128)
    private int maxBodyBytes = 16 * 1024;
    @Min(1)
    private double eventsPerSecond = 2000;
    @Min(1)
    private int eventBurst = 20_000;
    @Min(1)
    private double boardRequestsPerSecond = 20;
    @Min(1)
    private int boardBurst = 40;
    @NotNull
    private Duration maxClockSkew = Duration.ofSeconds(60);
    @Min(1)
    private int maxPendingBatchesPerSocket = 16;
    @Min(100)
    private int maxInFlightRecords = 200_000;
    @Min(1)
    private int boardCommandsPerReply = 8;
    @Min(1)
    private int boardCommandQueue = 64;
    @NotNull
    private Duration undeliverableGrace = Duration.ofSeconds(2);
    @NotNull
    private Duration shutdownGrace = Duration.ofSeconds(10);
    @Min(1)
    private int rejectedPerSecond = 200;
    @Min(64)
    @Max(1024)
    private int excerptChars = 512;

    public String getId() {
        return id;
    }

    public void setId(String id) {
        this.id = id;
    }

    public int getMaxFrameBytes() {
        return maxFrameBytes;
    }

    public void setMaxFrameBytes(int maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
    }

    public int getMaxBodyBytes() {
        return maxBodyBytes;
    }

    public void setMaxBodyBytes(int maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    public double getEventsPerSecond() {
        return eventsPerSecond;
    }

    public void setEventsPerSecond(double eventsPerSecond) {
        this.eventsPerSecond = eventsPerSecond;
    }

    public int getEventBurst() {
        return eventBurst;
    }

    public void setEventBurst(int eventBurst) {
        this.eventBurst = eventBurst;
    }

    public double getBoardRequestsPerSecond() {
        return boardRequestsPerSecond;
    }

    public void setBoardRequestsPerSecond(double boardRequestsPerSecond) {
        this.boardRequestsPerSecond = boardRequestsPerSecond;
    }

    public int getBoardBurst() {
        return boardBurst;
    }

    public void setBoardBurst(int boardBurst) {
        this.boardBurst = boardBurst;
    }

    public Duration getMaxClockSkew() {
        return maxClockSkew;
    }

    public void setMaxClockSkew(Duration maxClockSkew) {
        this.maxClockSkew = maxClockSkew;
    }

    public int getMaxPendingBatchesPerSocket() {
        return maxPendingBatchesPerSocket;
    }

    public void setMaxPendingBatchesPerSocket(int maxPendingBatchesPerSocket) {
        this.maxPendingBatchesPerSocket = maxPendingBatchesPerSocket;
    }

    public int getMaxInFlightRecords() {
        return maxInFlightRecords;
    }

    public void setMaxInFlightRecords(int maxInFlightRecords) {
        this.maxInFlightRecords = maxInFlightRecords;
    }

    public int getBoardCommandsPerReply() {
        return boardCommandsPerReply;
    }

    public void setBoardCommandsPerReply(int boardCommandsPerReply) {
        this.boardCommandsPerReply = boardCommandsPerReply;
    }

    public int getBoardCommandQueue() {
        return boardCommandQueue;
    }

    public void setBoardCommandQueue(int boardCommandQueue) {
        this.boardCommandQueue = boardCommandQueue;
    }

    public Duration getUndeliverableGrace() {
        return undeliverableGrace;
    }

    public void setUndeliverableGrace(Duration undeliverableGrace) {
        this.undeliverableGrace = undeliverableGrace;
    }

    public Duration getShutdownGrace() {
        return shutdownGrace;
    }

    public void setShutdownGrace(Duration shutdownGrace) {
        this.shutdownGrace = shutdownGrace;
    }

    public int getRejectedPerSecond() {
        return rejectedPerSecond;
    }

    public void setRejectedPerSecond(int rejectedPerSecond) {
        this.rejectedPerSecond = rejectedPerSecond;
    }

    public int getExcerptChars() {
        return excerptChars;
    }

    public void setExcerptChars(int excerptChars) {
        this.excerptChars = excerptChars;
    }
}
