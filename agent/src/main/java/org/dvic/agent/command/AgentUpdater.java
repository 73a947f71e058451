package org.dvic.agent.command;

import org.dvic.protocol.event.Command;
import org.dvic.protocol.identity.UpdateSignature;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Self-update. The jar the systemd unit runs is the symlink {@code <install-dir>/dvic-agent.jar};
 * an update whose signature verifies with the relay's update key ({@link UpdateSignature};
 * {@code update.public-key}) downloads the new jar from the gateway's host into {@code versions/},
 * checks its SHA-256, writes {@code update-pending} (previous target and deadline), swaps the symlink
 * atomically and exits so systemd starts the new one. The new agent deletes the marker when the
 * gateway first acks its events; if that has not happened within 60 s of its start, it swaps the
 * link back and exits, and systemd starts the previous version again.
 */
public final class AgentUpdater {
    private static final Logger LOG = Logger.getLogger(AgentUpdater.class.getName());
    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    /** Exit status asking systemd for a restart (Restart=always restarts on any status). */
    public static final int RESTART_STATUS = 75;
    static final Duration CONFIRM_WITHIN = Duration.ofSeconds(60);

    private final Path installDir;
    private final String gatewayHost;
    private final ScheduledExecutorService timers;
    private final Runnable exit;
    private volatile boolean confirmed;

    private final Duration confirmWithin;
    private final PublicKey updateKey;

    /** {@code updateKey}: the relay's update public key ({@code update.public-key}); null refuses every update. */
    public AgentUpdater(Path installDir, String gatewayHost, PublicKey updateKey, ScheduledExecutorService timers,
                        Runnable exit) {
        this(installDir, gatewayHost, updateKey, timers, exit, CONFIRM_WITHIN);
    }

    /** With a shorter probation, for tests. */
    AgentUpdater(Path installDir, String gatewayHost, PublicKey updateKey, ScheduledExecutorService timers,
                 Runnable exit, Duration confirmWithin) {
        this.updateKey = updateKey;
        this.installDir = installDir;
        this.gatewayHost = gatewayHost;
        this.timers = timers;
        this.exit = exit;
        this.confirmWithin = confirmWithin;
    }

    private Path link() {
        return installDir.resolve("dvic-agent.jar");
    }

    private Path marker() {
        return installDir.resolve("update-pending");
    }

    /** At start: if this run is an update on probation, arm the roll-back. */
    public void onStart() {
        if (!Files.exists(marker())) {
            return;
        }
        LOG.info("running a new agent version on probation: it must reach the gateway within "
                + confirmWithin.toSeconds() + " s");
        timers.schedule(this::rollBackIfUnconfirmed, confirmWithin.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The gateway acked our events: the update (if any) is good. */
    public void confirmed() {
        if (confirmed) {
            return;
        }
        confirmed = true;
        try {
            if (Files.deleteIfExists(marker())) {
                LOG.info("update confirmed: the new agent reached the gateway");
            }
        } catch (IOException e) {
            LOG.warning("cannot delete " + marker() + ": " + e.getMessage());
        }
    }

    private void rollBackIfUnconfirmed() {
        if (confirmed) {
            return;
        }
        try {
            List<String> lines = Files.readAllLines(marker(), StandardCharsets.UTF_8);
            if (lines.isEmpty() || lines.get(0).isBlank()) {
                Files.deleteIfExists(marker());
                return;
            }
            swapLink(Path.of(lines.get(0)));
            Files.deleteIfExists(marker());
            LOG.warning("the new agent did not reach the gateway within " + confirmWithin.toSeconds()
                    + " s; rolled back to " + lines.get(0) + " and restarting");
            exit.run();
        } catch (IOException e) {
            LOG.warning("roll-back failed: " + e.getMessage());
        }
    }

    public void update(Command.Update u, Consumer<String> fail, Runnable done) {
        if (updateKey == null) {
            fail.accept("updates need the relay's update public key (update.public-key in the agent config)");
            return;
        }
        if (!UpdateSignature.verify(updateKey, u.version(), u.sha256(), u.signature())) {
            fail.accept("the update's signature does not verify with update.public-key; not installed");
            return;
        }
        if (!VERSION.matcher(u.version()).matches()) {
            fail.accept("version '" + u.version() + "' is not a plain version string");
            return;
        }
        URI url = URI.create(u.url());
        if (url.getHost() == null || !url.getHost().equalsIgnoreCase(gatewayHost)) {
            fail.accept("updates are only downloaded from the gateway's host " + gatewayHost);
            return;
        }
        if (!Files.isSymbolicLink(link())) {
            fail.accept(link() + " is not a symlink; install with agent/install/install.sh to enable updates");
            return;
        }
        Path versions = installDir.resolve("versions");
        Path target = versions.resolve("dvic-agent-" + u.version() + ".jar");
        Path part = versions.resolve("dvic-agent-" + u.version() + ".jar.part");
        try {
            Files.createDirectories(versions);
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofMinutes(5)).GET()
                    .build(), HttpResponse.BodyHandlers.ofInputStream());
            if (r.statusCode() != 200) {
                r.body().close();
                fail.accept("download failed: HTTP " + r.statusCode());
                return;
            }
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            try (InputStream in = new DigestInputStream(r.body(), sha); OutputStream out = Files.newOutputStream(part)) {
                in.transferTo(out);
            }
            String actual = HexFormat.of().formatHex(sha.digest());
            if (!actual.equals(u.sha256())) {
                Files.deleteIfExists(part);
                fail.accept("SHA-256 of the download is " + actual + ", expected " + u.sha256() + "; not installed");
                return;
            }
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Path previous = Files.readSymbolicLink(link());
            if (!previous.isAbsolute()) {
                previous = installDir.resolve(previous);
            }
            Files.writeString(marker(), previous + "\n" + u.version() + "\n", StandardCharsets.UTF_8);
            swapLink(target);
        } catch (IOException | NoSuchAlgorithmException | RuntimeException e) {
            fail.accept("update failed: " + e.getMessage());
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        LOG.info("updated to " + u.version() + "; restarting");
        done.run();
        // give the sender a moment to deliver the completion; the spool keeps it if not
        timers.schedule(exit, 2, TimeUnit.SECONDS);
    }

    private void swapLink(Path target) throws IOException {
        Path tmp = installDir.resolve(".dvic-agent.jar.new");
        Files.deleteIfExists(tmp);
        Files.createSymbolicLink(tmp, target);
        Files.move(tmp, link(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
