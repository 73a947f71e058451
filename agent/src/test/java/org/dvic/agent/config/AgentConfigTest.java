package org.dvic.agent.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AgentConfigTest {
    private static final String NODE = "5b0c3f0e-8d7a-4c1e-9a57-2f1d6c0b9e11";

    @Test
    void defaultsApplyAndTheEnvironmentOverridesTheFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("agent.conf");
        Files.writeString(file, "# comment\ngateway.url = ws://gw:8080\nnode.id=" + NODE + "\nmetrics.interval-ms=2000\n");

        AgentConfig c = AgentConfig.load(file, Map.of("DVIC_AGENT_METRICS_INTERVAL_MS", "1000",
                "DVIC_AGENT_COMMANDS_ALLOW_TERMINAL", "false", "PATH", "/bin", "DVIC_AGENT_CONFIG", "x"));

        assertEquals("ws://gw:8080/v1/agent", c.agentEndpoint().toString());
        assertEquals(1000, c.metricsIntervalMs());
        assertEquals(10000, c.heartbeatIntervalMs());
        assertEquals(Path.of("/tmp"), c.demoLogDirs().get(0));
        assertTrue(c.remoteExecAllowed());
        assertFalse(c.terminalAllowed());
        assertEquals(250, c.livenessIntervalMs());
    }

    @Test
    void missingRequiredUnknownAndInvalidKeysAreAllNamed() {
        ConfigException e = assertThrows(ConfigException.class, () -> AgentConfig.from(
                Map.of("node.id", "not-a-uuid", "metrics.intervall-ms", "5", "spool.max-bytes", "lots"),
                Map.of("DVIC_AGENT_NOPE", "1"), "agent.conf"));

        String m = e.getMessage();
        assertTrue(m.contains("missing required key 'gateway.url'"), m);
        assertTrue(m.contains("node.id must be a UUID"), m);
        assertTrue(m.contains("unknown key 'metrics.intervall-ms'"), m);
        assertTrue(m.contains("unknown environment variable DVIC_AGENT_NOPE"), m);
        assertTrue(m.contains("spool.max-bytes must be an integer"), m);
    }

    @Test
    void everyKeyHasAnEnvironmentName() {
        for (String key : AgentConfig.KEYS.keySet()) {
            assertTrue(AgentConfig.envName(key).matches("DVIC_AGENT_[A-Z0-9_]+"), key);
        }
    }

    @Test
    void theReadmeDocumentsEveryKeyWithItsDefault() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        for (Map.Entry<String, String> e : AgentConfig.KEYS.entrySet()) {
            assertTrue(readme.contains("`" + e.getKey() + "`"), "README lacks " + e.getKey());
            if (e.getValue() != null) {
                assertTrue(readme.contains("`" + e.getValue() + "`"), "README lacks the default of " + e.getKey());
            }
        }
    }
}
