package org.dvic.agent.demolog;

/** A line of a dvic_log file that does not follow the format; the message says why (never the content). */
public final class MalformedLineException extends RuntimeException {
    public MalformedLineException(String reason) {
        super(reason, null, false, false);
    }
}
