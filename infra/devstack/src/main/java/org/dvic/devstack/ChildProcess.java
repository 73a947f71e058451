package org.dvic.devstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A server started as a child in its own process group and session ({@code setsid}), with a
 * watchdog shell as the group leader: the watchdog stops the server when this JVM dies in any way
 * (Ctrl-C, SIGKILL of the build, a crash), so an interrupted build leaves nothing running. Stopping
 * sends SIGTERM to the whole group, then SIGKILL after a grace period.
 */
public final class ChildProcess implements AutoCloseable {
    /*
     * $1 is the parent pid to watch; the rest is the server command. The server runs in the
     * background so the shell can poll; a TERM to the group reaches both, and the trap makes the
     * shell wait for the server's own clean shutdown before it exits.
     */
    private static final String WATCHDOG = """
            parent=$1; shift
            "$@" &
            child=$!
            trap 'kill -TERM $child 2>/dev/null; wait $child; exit 0' TERM INT HUP
            while kill -0 "$parent" 2>/dev/null && kill -0 $child 2>/dev/null; do sleep 1; done
            kill -TERM $child 2>/dev/null
            wait $child
            """;

    private final String name;
    private final Process process;
    private final Path log;

    private ChildProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    public static ChildProcess start(String name, List<String> command, Map<String, String> env, Path workDir, Path log)
            throws IOException {
        return start(name, command, env, workDir, log, ProcessHandle.current().pid());
    }

    /** As {@link #start(String, List, Map, Path, Path)}, watching {@code parentPid} instead of this JVM. */
    public static ChildProcess start(String name, List<String> command, Map<String, String> env, Path workDir, Path log,
                              long parentPid) throws IOException {
        Files.createDirectories(workDir);
        Files.createDirectories(log.getParent());
        List<String> full = new ArrayList<>(List.of("setsid", "bash", "-c", WATCHDOG, "dvic-" + name,
                String.valueOf(parentPid)));
        full.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(full).directory(workDir.toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        return new ChildProcess(name, pb.start(), log);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    /** The last lines of the server's output, for error messages. */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** SIGTERM to the process group, SIGKILL after {@code grace}; returns when the group is gone. */
    public void stop(Duration grace) {
        if (!process.isAlive()) {
            return;
        }
        signalGroup("TERM");
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                signalGroup("KILL");
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            signalGroup("KILL");
            Thread.currentThread().interrupt();
        }
        // The group may outlive its leader by a moment; make sure no member is left.
        signalGroup("KILL");
    }

    private void signalGroup(String signal) {
        try {
            // setsid made the watchdog the leader of a new group whose id is its pid.
            new ProcessBuilder("kill", "-" + signal, "--", "-" + process.pid())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(20));
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ")";
    }
}
