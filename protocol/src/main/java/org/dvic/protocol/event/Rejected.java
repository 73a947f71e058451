package org.dvic.protocol.event;

import org.dvic.protocol.Check;
import org.dvic.protocol.Limits;
import org.dvic.protocol.Nullable;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Input the edge refused, with the reason. {@code excerpt} is the start of the offending input,
 * truncated and with credentials removed, so it is safe to keep and show.
 */
public record Rejected(long ts, @Nullable UUID nodeId, String remote, String reason, String detail,
                       String excerpt) implements Event {
    public static final String TYPE = "rejected";
    /** Reason codes are short kebab-case words, e.g. {@code invalid-json}, {@code rate-limited}. */
    public static final Pattern REASON = Pattern.compile("[a-z][a-z0-9-]{0,63}");
    public static final int EXCERPT_MAX = 1024;

    public Rejected {
        Check.nonNegative(ts, "ts");
        Check.text(remote, "remote", Limits.NAME);
        Check.matches(reason, "reason", REASON, "a kebab-case reason code");
        Check.text(detail, "detail", Limits.TEXT);
        Check.text(excerpt, "excerpt", EXCERPT_MAX);
    }
}
