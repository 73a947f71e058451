package org.dvic.agent.command;

import com.pty4j.PtyProcess;
import com.pty4j.PtyProcessBuilder;
import com.pty4j.WinSize;
import org.dvic.agent.demolog.DemoLogTailer;
import org.dvic.agent.demolog.ProcessProbe;
import org.dvic.agent.spool.EventSink;
import org.dvic.protocol.Limits;
import org.dvic.protocol.event.Command;
import org.dvic.protocol.event.CommandEvent;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs the commands the gateway delivers: {@code exec} (the configured shell, output streamed,
 * killed with its children at its timeout), {@code signal} (to a demo process this agent follows),
 * terminals (a PTY through pty4j) and {@code update} (through {@link AgentUpdater}). Each command
 * id runs once, however often it is delivered. With {@code commands.allow-remote-exec=false} or
 * {@code commands.allow-terminal=false} such commands fail at once with that reason.
 */
public final class CommandRunner implements Consumer<Command>, Closeable {
    private static final Logger LOG = Logger.getLogger(CommandRunner.class.getName());
    private static final int MAX_TERMINALS = 4;
    private static final long MAX_OUTPUT_BYTES = 16L * 1024 * 1024;

    public record Settings(boolean remoteExecAllowed, boolean terminalAllowed, String execShell, String terminalShell,
                           long maxExecTimeoutMs) {
    }

    private final Settings settings;
    private final EventSink sink;
    private final SeenCommands seen;
    private final DemoLogTailer demos;
    private final AgentUpdater updater;
    private final ExecutorService workers;
    private final ScheduledExecutorService timers;
    private final Map<UUID, Terminal> terminals = new ConcurrentHashMap<>();

    public CommandRunner(Settings settings, EventSink sink, SeenCommands seen, DemoLogTailer demos,
                         AgentUpdater updater, ScheduledExecutorService timers) {
        this.settings = settings;
        this.sink = sink;
        this.seen = seen;
        this.demos = demos;
        this.updater = updater;
        this.timers = timers;
        // threads only while commands run; idle ones end after a minute
        this.workers = new ThreadPoolExecutor(0, 32, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(null, r, "dvic-command", 256 * 1024);
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void accept(Command command) {
        if (!command.nodeId().equals(sink.nodeId())) {
            fail(command.commandId(), "command is for node " + command.nodeId() + ", not this one");
            return;
        }
        if (!seen.firstTime(command.commandId())) {
            LOG.info("command " + command.commandId() + " was delivered again; it runs only once");
            return;
        }
        if (command.expiresAt() < System.currentTimeMillis()) {
            fail(command.commandId(), "expired before it reached the node");
            return;
        }
        LOG.info("command " + command.commandId() + " (" + command.getClass().getSimpleName() + ") from "
                + command.issuedBy());
        try {
            if (command instanceof Command.Exec exec) {
                if (refused(exec.commandId(), settings.remoteExecAllowed(), "remote execution")) {
                    return;
                }
                workers.execute(() -> exec(exec));
            } else if (command instanceof Command.Signal signal) {
                signal(signal);
            } else if (command instanceof Command.TerminalOpen open) {
                if (refused(open.commandId(), settings.terminalAllowed(), "terminals")) {
                    return;
                }
                openTerminal(open);
            } else if (command instanceof Command.TerminalInput input) {
                withTerminal(input.commandId(), input.terminalId(), t -> t.input(input.data()));
            } else if (command instanceof Command.TerminalResize resize) {
                withTerminal(resize.commandId(), resize.terminalId(), t -> t.resize(resize.cols(), resize.rows()));
            } else if (command instanceof Command.TerminalClose close) {
                withTerminal(close.commandId(), close.terminalId(), Terminal::close);
            } else if (command instanceof Command.Update update) {
                workers.execute(() -> updater.update(update, reason -> fail(update.commandId(), reason),
                        () -> complete(update.commandId(), 0, 0)));
            }
        } catch (java.util.concurrent.RejectedExecutionException e) {
            fail(command.commandId(), "too many commands running on this node");
        }
    }

    private boolean refused(UUID id, boolean allowed, String what) {
        if (!allowed) {
            fail(id, what + " disabled on this node (agent setting)");
            return true;
        }
        return false;
    }

    private void exec(Command.Exec cmd) {
        long t0 = System.nanoTime();
        Process p;
        try {
            p = new ProcessBuilder(settings.execShell(), "-c", cmd.commandLine())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
        } catch (IOException e) {
            fail(cmd.commandId(), "could not start: " + e.getMessage());
            return;
        }
        AtomicLong chunks = new AtomicLong();
        AtomicLong total = new AtomicLong();
        OutputStreamer out = new OutputStreamer(sink, cmd.commandId(), chunks, total, MAX_OUTPUT_BYTES);
        Thread err = new Thread(null, () -> out.copy(p.getErrorStream(), CommandEvent.OutputStream.STDERR),
                "dvic-command-stderr", 128 * 1024);
        err.setDaemon(true);
        err.start();
        long timeout = Math.min(cmd.timeoutMs(), settings.maxExecTimeoutMs());
        // set before the kill: the shell may report its child "Killed" and exit while the kill is
        // still under way, and cancel() of a running task succeeds, so only this flag tells a timeout
        AtomicBoolean timedOut = new AtomicBoolean();
        var killer = timers.schedule(() -> {
            timedOut.set(true);
            killTree(p);
        }, timeout, TimeUnit.MILLISECONDS);
        out.copy(p.getInputStream(), CommandEvent.OutputStream.STDOUT);
        int code;
        try {
            code = p.waitFor();
            err.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            killTree(p);
            fail(cmd.commandId(), "agent stopping");
            return;
        }
        killer.cancel(false);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        if (timedOut.get()) {
            fail(cmd.commandId(), "timed out after " + timeout + " ms; killed");
        } else {
            complete(cmd.commandId(), code, ms);
        }
    }

    private static void killTree(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    private void signal(Command.Signal cmd) {
        DemoLogTailer.DemoProcess demo = demos == null ? null : demos.process(cmd.token());
        if (demo == null) {
            fail(cmd.commandId(), "no running demo process with token " + cmd.token());
            return;
        }
        if (demo.pid() != cmd.pid()) {
            fail(cmd.commandId(), "demo " + cmd.token() + " has pid " + demo.pid() + ", not " + cmd.pid());
            return;
        }
        if (!ProcessProbe.isAlive(demo.procRoot(), demo.pid(), demo.startTime())) {
            fail(cmd.commandId(), "demo process " + cmd.pid() + " has exited");
            return;
        }
        // the log file's owner must own the process: a forged header must not make the agent signal another user's process
        int owner = ProcessProbe.realUid(demo.procRoot(), demo.pid());
        if (owner < 0 || owner != demo.fileOwnerUid()) {
            fail(cmd.commandId(), "the log file's owner does not own process " + cmd.pid() + "; not signalled");
            return;
        }
        long hostPid = demo.pid();
        if (demo.container() != null) {
            fail(cmd.commandId(), "signals to processes inside containers are not supported");
            return;
        }
        try {
            Process kill = new ProcessBuilder("kill", "-s", cmd.signal().name(), Long.toString(hostPid))
                    .redirectErrorStream(true).start();
            String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            int code = kill.waitFor();
            if (code == 0) {
                complete(cmd.commandId(), 0, 0);
            } else {
                fail(cmd.commandId(), "kill failed: " + cut(output));
            }
        } catch (IOException e) {
            fail(cmd.commandId(), "kill failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void openTerminal(Command.TerminalOpen open) {
        if (terminals.size() >= MAX_TERMINALS) {
            fail(open.commandId(), "already " + MAX_TERMINALS + " terminals open on this node");
            return;
        }
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("TERM", "xterm-256color");
        PtyProcess p;
        try {
            p = new PtyProcessBuilder(new String[]{settings.terminalShell(), "-l"}).setEnvironment(env)
                    .setInitialColumns(open.cols()).setInitialRows(open.rows()).setRedirectErrorStream(true)
                    .setDirectory(System.getProperty("user.home", "/")).start();
        } catch (IOException | RuntimeException e) {
            fail(open.commandId(), "could not open a terminal: " + e.getMessage());
            return;
        }
        Terminal t = new Terminal(open, p);
        terminals.put(open.commandId(), t);
        workers.execute(t::pump);
        t.idleCheck = timers.scheduleWithFixedDelay(t::closeIfIdle, 5, 5, TimeUnit.SECONDS);
    }

    private void withTerminal(UUID commandId, UUID terminalId, Consumer<Terminal> action) {
        Terminal t = terminals.get(terminalId);
        if (t == null) {
            fail(commandId, "no open terminal " + terminalId);
            return;
        }
        action.accept(t);
    }

    /** One open PTY; its output goes out under the id of the command that opened it. */
    private final class Terminal {
        final Command.TerminalOpen open;
        final PtyProcess process;
        final OutputStream in;
        final long t0 = System.nanoTime();
        volatile long lastActivity = System.nanoTime();
        volatile java.util.concurrent.ScheduledFuture<?> idleCheck;

        Terminal(Command.TerminalOpen open, PtyProcess process) {
            this.open = open;
            this.process = process;
            this.in = process.getOutputStream();
        }

        void pump() {
            AtomicLong chunks = new AtomicLong();
            OutputStreamer out = new OutputStreamer(sink, open.commandId(), chunks, new AtomicLong(),
                    Long.MAX_VALUE);
            out.copy(new ActivityStream(process.getInputStream(), this), CommandEvent.OutputStream.TERMINAL);
            int code;
            try {
                code = process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                code = -1;
            }
            terminals.remove(open.commandId());
            if (idleCheck != null) {
                idleCheck.cancel(false);
            }
            complete(open.commandId(), code, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        }

        void input(String data) {
            lastActivity = System.nanoTime();
            try {
                in.write(data.getBytes(StandardCharsets.UTF_8));
                in.flush();
            } catch (IOException e) {
                LOG.info("terminal " + open.commandId() + ": input failed: " + e.getMessage());
            }
        }

        void resize(int cols, int rows) {
            lastActivity = System.nanoTime();
            process.setWinSize(new WinSize(cols, rows));
        }

        void close() {
            try {
                // pty4j's process has no ProcessHandle of its own; look it up by pid
                ProcessHandle.of(process.pid()).ifPresent(h -> h.descendants().forEach(ProcessHandle::destroyForcibly));
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "cannot list the terminal's children", e);
            }
            process.destroyForcibly();
        }

        void closeIfIdle() {
            if (System.nanoTime() - lastActivity > TimeUnit.MILLISECONDS.toNanos(open.idleTimeoutMs())) {
                LOG.info("terminal " + open.commandId() + " idle for " + open.idleTimeoutMs() + " ms; closing");
                close();
            }
        }
    }

    /** Counts output as activity, so a terminal showing a running program is not idle. */
    private static final class ActivityStream extends java.io.FilterInputStream {
        private final Terminal t;

        ActivityStream(java.io.InputStream in, Terminal t) {
            super(in);
            this.t = t;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                t.lastActivity = System.nanoTime();
            }
            return n;
        }
    }

    void complete(UUID id, int exitCode, long durationMs) {
        long ts = System.currentTimeMillis();
        sink.emit(seq -> new CommandEvent.Completed(id, sink.nodeId(), seq, ts, exitCode, Math.max(0, durationMs)));
    }

    void fail(UUID id, String reason) {
        LOG.info("command " + id + " failed: " + reason);
        long ts = System.currentTimeMillis();
        String r = cut(reason);
        sink.emit(seq -> new CommandEvent.Failed(id, sink.nodeId(), seq, ts, r));
    }

    private static String cut(String s) {
        String t = s == null || s.isBlank() ? "unknown reason" : s;
        return t.length() <= Limits.TEXT ? t : t.substring(0, Limits.TEXT);
    }

    @Override
    public void close() {
        for (Terminal t : terminals.values()) {
            try {
                t.close();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "closing a terminal failed", e);
            }
        }
        workers.shutdownNow();
    }

    static {
        Logger.getLogger("com.pty4j").setLevel(Level.WARNING);
    }
}
