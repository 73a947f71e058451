package org.dvic.protocol.event;

import org.dvic.protocol.Check;
import org.dvic.protocol.Limits;
import org.dvic.protocol.Nullable;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A demo process's state as the agent sees it, from the header of its log file. {@code startTime}
 * is the process start time in clock ticks since boot (/proc/pid/stat field 22): with the pid it
 * tells a process apart from a later one that reuses the pid.
 */
public record ProcessState(UUID nodeId, long seq, long ts, String token, long pid, long startTime,
                           @Nullable String demo, String exe, ProcessStatus state,
                           @Nullable Integer exitCode, @Nullable String container) implements NodeEvent {
    public static final String TYPE = "process";
    public static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    public ProcessState {
        Check.required(nodeId, "nodeId");
        Check.nonNegative(seq, "seq");
        Check.nonNegative(ts, "ts");
        Check.matches(token, "token", TOKEN, "a URL-safe token of 1 to 64 characters");
        Check.positive(pid, "pid");
        Check.nonNegative(startTime, "startTime");
        Check.optionalText(demo, "demo", Limits.NAME);
        Check.text(exe, "exe", Limits.TEXT);
        Check.required(state, "state");
        Check.optionalText(container, "container", Limits.NAME);
    }
}
