package org.dvic.agent.command;

import com.sun.net.httpserver.HttpServer;
import org.dvic.protocol.event.Command;
import org.dvic.protocol.identity.NodeKeys;
import org.dvic.protocol.identity.UpdateSignature;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Self-update against a real HTTP download: the host and SHA-256 checks, the atomic swap of the
 * {@code dvic-agent.jar} symlink with its probation marker, confirmation, and the roll-back of a
 * version that never reached the gateway.
 */
class AgentUpdaterTest {
    private static final byte[] NEW_JAR = "the new agent jar".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path install;
    private HttpServer server;
    private ScheduledExecutorService timers;
    private final AtomicInteger exits = new AtomicInteger();
    private final KeyPair relay = NodeKeys.generate();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/agent/2.0.jar", x -> {
            x.sendResponseHeaders(200, NEW_JAR.length);
            x.getResponseBody().write(NEW_JAR);
            x.close();
        });
        server.start();
        timers = Executors.newSingleThreadScheduledExecutor();
        Path versions = Files.createDirectories(install.resolve("versions"));
        Path current = Files.writeString(versions.resolve("dvic-agent-1.0.jar"), "the running agent");
        Files.createSymbolicLink(install.resolve("dvic-agent.jar"), current);
    }

    @AfterEach
    void stop() {
        server.stop(0);
        timers.shutdownNow();
    }

    private AgentUpdater updater(Duration probation) {
        return new AgentUpdater(install, "127.0.0.1", relay.getPublic(), timers, exits::incrementAndGet, probation);
    }

    /** An update signed by the relay's key over its version and hash. */
    private Command.Update update(String host, String sha256) {
        return update(host, sha256, UpdateSignature.sign(relay.getPrivate(), "2.0", sha256));
    }

    private Command.Update update(String host, String sha256, String signature) {
        long now = System.currentTimeMillis();
        return new Command.Update(UUID.randomUUID(), UUID.randomUUID(), "admin", now, now + 60_000, "2.0",
                "http://" + host + ":" + server.getAddress().getPort() + "/agent/2.0.jar", sha256, signature, null);
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    private String run(AgentUpdater u, Command.Update cmd) throws Exception {
        CompletableFuture<String> outcome = new CompletableFuture<>();
        u.update(cmd, outcome::complete, () -> outcome.complete("done"));
        return outcome.get(10, TimeUnit.SECONDS);
    }

    private Path linkTarget() throws Exception {
        return Files.readSymbolicLink(install.resolve("dvic-agent.jar"));
    }

    @Test
    void aDownloadWhoseHashDiffersIsNotInstalled() throws Exception {
        String outcome = run(updater(Duration.ofSeconds(60)), update("127.0.0.1", "0".repeat(64)));

        assertTrue(outcome.startsWith("SHA-256 of the download is " + sha256(NEW_JAR)), outcome);
        assertEquals(install.resolve("versions/dvic-agent-1.0.jar"), linkTarget());
        assertFalse(Files.exists(install.resolve("versions/dvic-agent-2.0.jar.part")));
        assertFalse(Files.exists(install.resolve("update-pending")));
    }

    @Test
    void anUpdateNotSignedByTheRelaysKeyIsRefusedBeforeAnyDownload() throws Exception {
        String forged = UpdateSignature.sign(NodeKeys.generate().getPrivate(), "2.0", sha256(NEW_JAR));
        String outcome = run(updater(Duration.ofSeconds(60)), update("127.0.0.1", sha256(NEW_JAR), forged));

        assertEquals("the update's signature does not verify with update.public-key; not installed", outcome);
        assertEquals(install.resolve("versions/dvic-agent-1.0.jar"), linkTarget());
        assertFalse(Files.exists(install.resolve("versions/dvic-agent-2.0.jar")));

        // and an agent without the relay's key takes no update at all
        AgentUpdater keyless = new AgentUpdater(install, "127.0.0.1", null, timers, exits::incrementAndGet);
        assertTrue(run(keyless, update("127.0.0.1", sha256(NEW_JAR))).startsWith("updates need the relay's update public key"));
    }

    @Test
    void onlyTheGatewaysHostServesUpdates() throws Exception {
        String outcome = run(updater(Duration.ofSeconds(60)), update("localhost", sha256(NEW_JAR)));

        assertTrue(outcome.startsWith("updates are only downloaded from the gateway's host"), outcome);
        assertEquals(install.resolve("versions/dvic-agent-1.0.jar"), linkTarget());
    }

    @Test
    void aGoodUpdateSwapsTheLinkRestartsAndIsKeptOnceConfirmed() throws Exception {
        // When a good update is applied
        assertEquals("done", run(updater(Duration.ofSeconds(60)), update("127.0.0.1", sha256(NEW_JAR))));

        // Then the link points at the new jar, the probation marker names the previous one, and
        // the agent exits so systemd starts the new version
        assertEquals(install.resolve("versions/dvic-agent-2.0.jar"), linkTarget());
        assertEquals("the new agent jar", Files.readString(install.resolve("dvic-agent.jar")));
        assertTrue(Files.readString(install.resolve("update-pending")).startsWith(
                install.resolve("versions/dvic-agent-1.0.jar") + "\n"));
        awaitExits(1);

        // And the new version that reaches the gateway in time is kept
        AgentUpdater restarted = updater(Duration.ofMillis(300));
        restarted.onStart();
        restarted.confirmed();
        Thread.sleep(600);
        assertEquals(install.resolve("versions/dvic-agent-2.0.jar"), linkTarget());
        assertFalse(Files.exists(install.resolve("update-pending")));
        assertEquals(1, exits.get());
    }

    @Test
    void aNewVersionThatNeverReachesTheGatewayIsRolledBack() throws Exception {
        assertEquals("done", run(updater(Duration.ofSeconds(60)), update("127.0.0.1", sha256(NEW_JAR))));
        awaitExits(1);

        // When the restarted new version is not confirmed within its probation
        updater(Duration.ofMillis(300)).onStart();

        // Then the link goes back to the previous jar and the agent exits again
        awaitExits(2);
        assertEquals(install.resolve("versions/dvic-agent-1.0.jar"), linkTarget());
        assertFalse(Files.exists(install.resolve("update-pending")));
    }

    private void awaitExits(int n) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (exits.get() < n && System.nanoTime() < end) {
            Thread.sleep(50);
        }
        assertEquals(n, exits.get());
    }
}
