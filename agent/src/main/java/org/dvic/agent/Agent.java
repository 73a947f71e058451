package org.dvic.agent;

import org.dvic.agent.collect.InventoryReporter;
import org.dvic.agent.collect.LinuxHost;
import org.dvic.agent.collect.MetricsCollector;
import org.dvic.agent.collect.SystemLogReader;
import org.dvic.agent.command.AgentUpdater;
import org.dvic.agent.command.CommandRunner;
import org.dvic.agent.command.SeenCommands;
import org.dvic.agent.config.AgentConfig;
import org.dvic.agent.config.ConfigException;
import org.dvic.agent.connection.GatewayConnection;
import org.dvic.agent.demolog.DemoLogTailer;
import org.dvic.agent.docker.DockerContainers;
import org.dvic.agent.spool.EventSink;
import org.dvic.agent.spool.Spool;
import org.dvic.protocol.event.Heartbeat;
import org.dvic.protocol.event.LogLevel;
import org.dvic.protocol.identity.NodeKeys;
import org.dvic.protocol.wire.AgentCodec;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The assembled agent: spool, connection, demo-log tailer, collectors and command runner, started
 * and stopped together. {@link AgentMain} runs one; tests run one in-process.
 */
public final class Agent implements Closeable {
    private static final Logger LOG = Logger.getLogger(Agent.class.getName());

    private final AgentConfig config;
    private final FileChannel lockFile;
    private final FileLock lock;
    private final Spool spool;
    private final EventSink sink;
    private final ScheduledThreadPoolExecutor timers;
    private final GatewayConnection connection;
    private final DemoLogTailer tailer;
    private final SystemLogReader systemLog;
    private final CommandRunner commands;
    private final AgentUpdater updater;
    private final DockerContainers docker;
    private final LinuxHost host = LinuxHost.system();
    private final Runnable exit;

    public Agent(AgentConfig config, Runnable exit) throws IOException {
        this.config = config;
        this.exit = exit;
        PrivateKey key = readKey(config.keyFile());
        Path state = config.stateDir();
        Files.createDirectories(state);
        this.lockFile = FileChannel.open(state.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        this.lock = lockFile.tryLock();
        if (lock == null) {
            lockFile.close();
            throw new ConfigException("another agent is running with state.dir " + state);
        }
        // jackson-core only: databind would cost the agent ~500 classes (docs/adr/0003)
        AgentCodec codec = new AgentCodec();
        this.spool = new Spool(state.resolve("spool"), config.spoolMaxBytes(), config.spoolSegmentBytes(),
                EventSink.dropNotice(config.nodeId(), codec));
        this.sink = new EventSink(config.nodeId(), spool, codec);
        this.timers = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(null, r, "dvic-timer", 512 * 1024);
            t.setDaemon(true);
            return t;
        });
        timers.setRemoveOnCancelPolicy(true);
        this.updater = new AgentUpdater(config.installDir(), config.agentEndpoint().getHost(), config.updatePublicKey(),
                timers, exit);
        this.tailer = new DemoLogTailer(new DemoLogTailer.Settings(config.demoLogDirs(), config.demoLogPollIntervalMs(),
                config.livenessIntervalMs(), config.deleteExitedLogs(), state.resolve("demo-logs")), sink);
        this.commands = new CommandRunner(new CommandRunner.Settings(config.remoteExecAllowed(),
                config.terminalAllowed(), config.execShell(), config.terminalShell(), config.maxExecTimeoutMs()),
                sink, new SeenCommands(state.resolve("commands-seen"), 1000), tailer, updater, timers);
        this.connection = new GatewayConnection(new GatewayConnection.Settings(config.agentEndpoint(),
                config.nodeId(), key, Duration.ofMillis(config.connectTimeoutMs()),
                Duration.ofMillis(config.ackTimeoutMs()), config.backoffInitialMs(), config.backoffMaxMs(),
                config.refusedBackoffMs(), config.batchMaxEvents(), config.batchMaxBytes(), config.windowBatches(),
                config.lingerMs()),
                spool, codec, commands, new GatewayConnection.Listener() {
            @Override
            public void confirmed() {
                updater.confirmed();
            }

            @Override
            public void eventsRefused(long firstSeq, long lastSeq, String code, String message) {
                sink.agentLog(LogLevel.WARN, "gateway refused event " + firstSeq + " (" + code + "); given up",
                        Map.of("seq", Long.toString(firstSeq), "code", code));
            }
        }, timers);
        sink.onUrgent(connection::sendSoon);
        SystemLogReader.Mode mode = SystemLogReader.choose(config.journalMode(), config.syslogFile());
        this.systemLog = new SystemLogReader(mode, sink, state, config.syslogFile());
        this.docker = "auto".equals(config.dockerMode()) && DockerContainers.available(config.dockerSocket())
                ? new DockerContainers(config.dockerSocket(), tailer::setContainerSources) : null;
    }

    private static PrivateKey readKey(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException("cannot read the node key node.key-file=" + file + ": " + e.getMessage());
        }
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (perms.contains(PosixFilePermission.OTHERS_READ) || perms.contains(PosixFilePermission.GROUP_READ)) {
                LOG.warning("node key " + file + " is readable by other users; it should be mode 0600");
            }
        } catch (IOException | UnsupportedOperationException ignored) {
            // not a POSIX file system
        }
        try {
            return NodeKeys.decodePrivate(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("node.key-file " + file + ": " + e.getMessage());
        }
    }

    public void start() {
        updater.onStart();
        sink.agentLog(LogLevel.INFO, "agent started", Map.of("version", AgentMain.version(),
                "spool_pending", Long.toString(spool.pending())));
        InventoryReporter inventory = new InventoryReporter(host, sink, AgentMain.version(),
                config.remoteExecAllowed(), config.terminalAllowed(), () -> { });
        inventory.run();
        MetricsCollector metrics = new MetricsCollector(host, sink);
        long hb = config.heartbeatIntervalMs();
        timers.scheduleAtFixedRate(() -> sink.emit(seq -> new Heartbeat(config.nodeId(), seq,
                System.currentTimeMillis(), hb)), 0, hb, TimeUnit.MILLISECONDS);
        timers.scheduleAtFixedRate(metrics, config.metricsIntervalMs(), config.metricsIntervalMs(),
                TimeUnit.MILLISECONDS);
        timers.scheduleWithFixedDelay(() -> {
            inventory.run();
            metrics.refreshLists();
        }, config.inventoryCheckIntervalMs(), config.inventoryCheckIntervalMs(), TimeUnit.MILLISECONDS);
        tailer.start();
        systemLog.start();
        if (docker != null) {
            docker.start(timers, 5000);
        }
        connection.start();
        LOG.info("agent " + AgentMain.version() + " started: node " + config.nodeId() + ", gateway "
                + config.agentEndpoint() + ", system log " + systemLog.mode() + ", docker "
                + (docker != null ? "on" : "off") + ", spool holds " + spool.pending() + " unacked events");
    }

    public Spool spool() {
        return spool;
    }

    public GatewayConnection connection() {
        return connection;
    }

    public DemoLogTailer tailer() {
        return tailer;
    }

    private static void quietly(Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "stopping: " + e, e);
        }
    }

    @Override
    public void close() {
        LOG.info("agent stopping");
        try {
            sink.agentLog(LogLevel.INFO, "agent stopping", null);
        } catch (RuntimeException ignored) {
            // spool trouble: nothing more to say
        }
        quietly(tailer::close);
        quietly(systemLog::close);
        if (docker != null) {
            quietly(docker::close);
        }
        quietly(commands::close);
        quietly(timers::shutdownNow);
        quietly(connection::close);
        try {
            spool.close();
            lock.release();
            lockFile.close();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "closing the spool failed", e);
        }
    }
}
