package org.dvic.relay.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** {@code dvic.relay.*} other than auth: identity, CORS, commands, live socket, terminal, history, dashboard. */
@ConfigurationProperties("dvic.relay")
public class RelaySettings {
    @NotBlank
    private String id = "relay-" + UUID.randomUUID().toString().substring(0, 8);
    @NotNull
    private List<String> corsAllowedOrigins = new ArrayList<>();
    @NotNull
    private String dashboardDir = "dashboard-svelte/dist";
    @Nullable
    private String agentGatewayUrl;
    @Nullable
    private String boardGatewayUrl;
    /** Ed25519 key pair that signs agent updates (created at first start when missing); none: updates refused. */
    @Nullable
    private String updateSigningKeyFile;
    @NotNull
    private Duration commandDefaultDeadline = Duration.ofSeconds(30);
    @NotNull
    private Duration commandMaxDeadline = Duration.ofDays(7);
    @NotNull
    private Duration commandDefaultExecTimeout = Duration.ofMinutes(1);
    @Min(1)
    @Max(10_000)
    private int bulkMaxNodes = 1000;
    @Min(8)
    @Max(1_000_000)
    private int liveClientBuffer = 1024;
    @Min(1)
    @Max(1024)
    private int liveMaxSubscriptions = 64;
    @Min(0)
    @Max(64)
    private int liveMaxTerminals = 4;
    @NotNull
    private Duration terminalIdleTimeout = Duration.ofMinutes(10);
    @Min(1)
    @Max(10_000_000)
    private int historyExportMaxLines = 100_000;
    @NotNull
    private Duration metricsBackfill = Duration.ofMinutes(2);

    public String getId() {
        return id;
    }

    public void setId(String id) {
        this.id = id;
    }

    public List<String> getCorsAllowedOrigins() {
        return corsAllowedOrigins;
    }

    public void setCorsAllowedOrigins(List<String> corsAllowedOrigins) {
        this.corsAllowedOrigins = corsAllowedOrigins == null ? new ArrayList<>() : corsAllowedOrigins;
    }

    public String getDashboardDir() {
        return dashboardDir;
    }

    public void setDashboardDir(String dashboardDir) {
        this.dashboardDir = dashboardDir == null ? "" : dashboardDir;
    }

    public String getAgentGatewayUrl() {
        return agentGatewayUrl;
    }

    public void setAgentGatewayUrl(String agentGatewayUrl) {
        this.agentGatewayUrl = agentGatewayUrl;
    }

    public String getUpdateSigningKeyFile() {
        return updateSigningKeyFile;
    }

    public void setUpdateSigningKeyFile(String updateSigningKeyFile) {
        this.updateSigningKeyFile = updateSigningKeyFile;
    }

    public String getBoardGatewayUrl() {
        return boardGatewayUrl;
    }

    public void setBoardGatewayUrl(String boardGatewayUrl) {
        this.boardGatewayUrl = boardGatewayUrl;
    }

    public Duration getCommandDefaultDeadline() {
        return commandDefaultDeadline;
    }

    public void setCommandDefaultDeadline(Duration commandDefaultDeadline) {
        this.commandDefaultDeadline = commandDefaultDeadline;
    }

    public Duration getCommandMaxDeadline() {
        return commandMaxDeadline;
    }

    public void setCommandMaxDeadline(Duration commandMaxDeadline) {
        this.commandMaxDeadline = commandMaxDeadline;
    }

    public Duration getCommandDefaultExecTimeout() {
        return commandDefaultExecTimeout;
    }

    public void setCommandDefaultExecTimeout(Duration commandDefaultExecTimeout) {
        this.commandDefaultExecTimeout = commandDefaultExecTimeout;
    }

    public int getBulkMaxNodes() {
        return bulkMaxNodes;
    }

    public void setBulkMaxNodes(int bulkMaxNodes) {
        this.bulkMaxNodes = bulkMaxNodes;
    }

    public int getLiveClientBuffer() {
        return liveClientBuffer;
    }

    public void setLiveClientBuffer(int liveClientBuffer) {
        this.liveClientBuffer = liveClientBuffer;
    }

    public int getLiveMaxSubscriptions() {
        return liveMaxSubscriptions;
    }

    public void setLiveMaxSubscriptions(int liveMaxSubscriptions) {
        this.liveMaxSubscriptions = liveMaxSubscriptions;
    }

    public int getLiveMaxTerminals() {
        return liveMaxTerminals;
    }

    public void setLiveMaxTerminals(int liveMaxTerminals) {
        this.liveMaxTerminals = liveMaxTerminals;
    }

    public Duration getTerminalIdleTimeout() {
        return terminalIdleTimeout;
    }

    public void setTerminalIdleTimeout(Duration terminalIdleTimeout) {
        this.terminalIdleTimeout = terminalIdleTimeout;
    }

    public int getHistoryExportMaxLines() {
        return historyExportMaxLines;
    }

    public void setHistoryExportMaxLines(int historyExportMaxLines) {
        this.historyExportMaxLines = historyExportMaxLines;
    }

    public Duration getMetricsBackfill() {
        return metricsBackfill;
    }

    public void setMetricsBackfill(Duration metricsBackfill) {
        this.metricsBackfill = metricsBackfill;
    }
}
