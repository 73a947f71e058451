package org.dvic.agent;

import org.dvic.agent.testing.AgentFixture;
import org.dvic.agent.testing.DemoLogs;
import org.dvic.agent.testing.TestGateway;
import org.dvic.protocol.event.LogRecord;
import org.dvic.protocol.event.NodeEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent in its own JVM, {@code kill -9}'d while a demo keeps logging: after the restart the
 * gateway (the {@link TestGateway} stand-in for our ingest-gateway) has every line and a seq
 * sequence without gaps.
 */
class AgentKillIT {
    @TempDir
    Path dir;

    private TestGateway gateway;
    private final List<Process> agents = new ArrayList<>();

    @AfterEach
    void stop() {
        agents.forEach(Process::destroyForcibly);
        if (gateway != null) {
            gateway.close();
        }
    }

    private Process startAgent(Path config) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-Xmx32m", "-XX:+UseSerialGC", "-cp",
                System.getProperty("java.class.path"), AgentMain.class.getName(), "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("agent-" + agents.size() + ".log").toFile())
                .start();
        agents.add(p);
        return p;
    }

    @Test
    void killMinus9LosesNothingAndLeavesNoGapInSeq() throws Exception {
        // Given an agent process and a demo that logs continuously
        AgentFixture f = new AgentFixture(dir, "ws://127.0.0.1:1");
        gateway = new TestGateway(f.keys.getPublic()).start(0);
        f.settings.put("gateway.url", gateway.url());
        Path config = f.writeConfig();
        String token = DemoLogs.newToken();
        Path log = f.logs.resolve("dvic_log_" + token);
        DemoLogs.append(log, DemoLogs.headerOfThisJvm(token));
        Process first = startAgent(config);
        DemoLogs.Writer demo = DemoLogs.Writer.start(log, 20);
        await().atMost(Duration.ofSeconds(30)).until(() -> demoLines().size() > 500);

        // When the agent is killed with SIGKILL mid-stream, the demo goes on, and the agent is started again
        first.destroyForcibly().waitFor();
        int atKill = demo.written();
        await().atMost(Duration.ofSeconds(10)).until(() -> demo.written() > atKill + 400);
        startAgent(config);
        await().atMost(Duration.ofSeconds(30)).until(() -> gateway.connects() >= 2);
        demo.stop();

        // Then every line written reached the gateway, and the seqs it got have no gap
        int total = demo.written();
        await().atMost(Duration.ofSeconds(30)).until(() -> demoLines().size() >= total);
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < total; i++) {
            expected.add("n" + i);
        }
        assertEquals(expected, demoLines());
        List<Long> seqs = gateway.distinctSeqs().stream().sorted().toList();
        assertEquals(0L, seqs.get(0));
        for (int i = 0; i < seqs.size(); i++) {
            assertEquals(i, seqs.get(i), "gap before seq " + seqs.get(i));
        }
        assertTrue(gateway.connects() >= 2);
    }

    private Set<String> demoLines() {
        Set<String> out = new HashSet<>();
        for (NodeEvent e : gateway.events()) {
            if (e instanceof LogRecord r && r.source().startsWith("demo:") && r.message().startsWith("n")) {
                out.add(r.message());
            }
        }
        return out;
    }
}
