package org.dvic.protocol.wire;

/**
 * Close codes the gateway uses on the agent WebSocket, with the reason text it sends. 4xxx codes are
 * application codes (RFC 6455 §7.4.2). {@link #retry()} tells the agent whether reconnecting with a
 * fresh token can help; a refused identity (bad signature, unknown or revoked node) will not
 * change by retrying quickly, so the agent should back off for long.
 */
public enum CloseCode {
    /** The gateway shuts down or the node reconnected elsewhere: reconnect at once. */
    GOING_AWAY(1001, "going-away", true),
    /** No token, or not a well-formed {@code dvic1} token. */
    MALFORMED_TOKEN(4400, "malformed-token", false),
    /** The token's signature does not verify with the node's registered key. */
    BAD_SIGNATURE(4401, "bad-signature", false),
    /** The node is revoked in the registry. */
    REVOKED(4403, "revoked", false),
    /** No such node in the registry (or it is a board, which has no socket). */
    UNKNOWN_NODE(4404, "unknown-node", false),
    /** The token's time is too far from the gateway's clock. */
    CLOCK_SKEW(4408, "clock-skew", true),
    /** The token's nonce was already used. */
    REPLAYED(4409, "replayed-nonce", true),
    /** A newer socket of the same node opened at this gateway. */
    REPLACED(4410, "replaced", true),
    /** The agent broke the protocol badly enough that the socket cannot go on. */
    PROTOCOL_ERROR(4500, "protocol-error", true),
    /** The gateway cannot take events now (Kafka unavailable, registry not loaded): retry with back-off. */
    UNAVAILABLE(4503, "unavailable", true);

    private final int code;
    private final String reason;
    private final boolean retry;

    CloseCode(int code, String reason, boolean retry) {
        this.code = code;
        this.reason = reason;
        this.retry = retry;
    }

    public int code() {
        return code;
    }

    public String reason() {
        return reason;
    }

    public boolean retry() {
        return retry;
    }

    /** The constant for a received close code, or null if it is not one of these. */
    public static CloseCode of(int code) {
        for (CloseCode c : values()) {
            if (c.code == code) {
                return c;
            }
        }
        return null;
    }
}
