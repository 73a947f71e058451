package org.dvic.agent.testing;

import org.dvic.agent.config.AgentConfig;
import org.dvic.protocol.identity.NodeKeys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** A node identity and the settings of an agent under test: everything local, short intervals. */
public final class AgentFixture {
    public final UUID node = UUID.randomUUID();
    public final KeyPair keys = NodeKeys.generate();
    public final Path dir;
    public final Path logs;
    public final Map<String, String> settings = new LinkedHashMap<>();

    public AgentFixture(Path dir, String gatewayUrl) throws IOException {
        this.dir = dir;
        this.logs = Files.createDirectories(dir.resolve("logs"));
        Path key = dir.resolve("node.key");
        Files.writeString(key, NodeKeys.encodePrivate(keys.getPrivate()));
        settings.put("gateway.url", gatewayUrl);
        settings.put("node.id", node.toString());
        settings.put("node.key-file", key.toString());
        settings.put("state.dir", dir.resolve("state").toString());
        settings.put("demo-logs.dirs", logs.toString());
        settings.put("heartbeat.interval-ms", "1000");
        settings.put("metrics.interval-ms", "500");
        settings.put("journal.mode", "off");
        settings.put("docker.mode", "off");
        settings.put("connection.backoff-initial-ms", "50");
        settings.put("connection.backoff-max-ms", "500");
        settings.put("update.install-dir", dir.resolve("install").toString());
    }

    public AgentConfig config() {
        return AgentConfig.from(settings, Map.of(), "test");
    }

    /** Writes the settings as an agent.conf for an agent in its own process. */
    public Path writeConfig() throws IOException {
        StringBuilder sb = new StringBuilder();
        settings.forEach((k, v) -> sb.append(k).append(" = ").append(v).append('\n'));
        return Files.writeString(dir.resolve("agent.conf"), sb);
    }
}
