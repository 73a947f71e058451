package org.dvic.agent.demolog;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Is the process a dvic_log header names still the one that wrote it? The header's pid alone is
 * not enough (pids are reused), so the start time in clock ticks since boot (field 22 of
 * {@code /proc/<pid>/stat}) must match too. {@code procRoot} is {@code /proc}, or a container's
 * {@code /proc/<pid>/root/proc} for files found inside a container.
 */
public final class ProcessProbe {
    private ProcessProbe() {
    }

    public static boolean isAlive(Path procRoot, long pid, Long startTime) {
        Long actual = startTime(procRoot, pid);
        if (actual == null) {
            return false;
        }
        return startTime == null || actual.longValue() == startTime.longValue();
    }

    /** Field 22 of {@code <procRoot>/<pid>/stat}, or null if there is no such process (or it is a zombie). */
    public static Long startTime(Path procRoot, long pid) {
        byte[] stat;
        try {
            stat = Files.readAllBytes(procRoot.resolve(Long.toString(pid)).resolve("stat"));
        } catch (IOException e) {
            return null;
        }
        return parseStartTime(new String(stat, StandardCharsets.US_ASCII));
    }

    /** Parses a stat line; the command name (field 2) may hold spaces and parentheses, so count from the last ')'. */
    static Long parseStartTime(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            return null;
        }
        String[] rest = stat.substring(close + 2).trim().split(" ");
        // rest[0] is field 3 (state); field 22 is rest[19]
        if (rest.length < 20) {
            return null;
        }
        if (rest[0].equals("Z") || rest[0].equals("X")) {
            return null; // a zombie has exited; only its parent has not reaped it yet
        }
        try {
            return Long.parseLong(rest[19]);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The real uid of a process (first value of {@code Uid:} in its status), or -1. */
    public static int realUid(Path procRoot, long pid) {
        try {
            for (String line : Files.readAllLines(procRoot.resolve(Long.toString(pid)).resolve("status"))) {
                if (line.startsWith("Uid:")) {
                    return Integer.parseInt(line.substring(4).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** The owner uid of a file, not following symlinks, or -1. */
    public static int ownerUid(Path file) {
        try {
            return (Integer) Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
