package org.dvic.protocol.identity;

/** A connect token that must be refused, with a reason the gateway maps to a close code and a counter. */
public final class InvalidTokenException extends Exception {
    private final Reason reason;

    public InvalidTokenException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    public enum Reason {
        MALFORMED, BAD_SIGNATURE, CLOCK_SKEW, UNKNOWN_NODE, REVOKED, REPLAYED
    }
}
