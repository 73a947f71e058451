package org.dvic.gateway.reject;

import org.dvic.protocol.identity.InvalidTokenException;
import org.dvic.protocol.json.ProtocolException;

/**
 * Why the edge refused something: the code in error frames, HTTP error bodies, {@code dvic.rejected}
 * records and the {@code dvic_gateway_rejected_total{reason}} counter.
 */
public enum RejectReason {
    MISSING_CREDENTIALS("missing-credentials"),
    MALFORMED_TOKEN("malformed-token"),
    BAD_SIGNATURE("bad-signature"),
    CLOCK_SKEW("clock-skew"),
    REPLAYED_NONCE("replayed-nonce"),
    UNKNOWN_NODE("unknown-node"),
    REVOKED("revoked"),
    WRONG_CREDENTIALS("wrong-credentials"),
    FRAME_TOO_LARGE("frame-too-large"),
    BODY_TOO_LARGE("body-too-large"),
    INVALID_UTF8("invalid-utf8"),
    INVALID_JSON("invalid-json"),
    UNSUPPORTED_VERSION("unsupported-version"),
    UNKNOWN_EVENT_TYPE("unknown-event-type"),
    EVENT_TYPE_NOT_ALLOWED("event-type-not-allowed"),
    SCHEMA_VIOLATION("schema-violation"),
    NODE_MISMATCH("node-mismatch"),
    RATE_LIMITED("rate-limited"),
    UNSUPPORTED_MEDIA_TYPE("unsupported-media-type"),
    INVALID_NODE_ID("invalid-node-id");

    private final String code;

    RejectReason(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    public static RejectReason of(InvalidTokenException.Reason reason) {
        return switch (reason) {
            case MALFORMED -> MALFORMED_TOKEN;
            case BAD_SIGNATURE -> BAD_SIGNATURE;
            case CLOCK_SKEW -> CLOCK_SKEW;
            case UNKNOWN_NODE -> UNKNOWN_NODE;
            case REVOKED -> REVOKED;
            case REPLAYED -> REPLAYED_NONCE;
        };
    }

    /** Sorts a decoding failure of the strict codec into a reason. */
    public static RejectReason of(ProtocolException e) {
        String reason = e.reason();
        if (reason.equals("invalid UTF-8")) {
            return INVALID_UTF8;
        }
        if (e.field().equals("$") && (reason.startsWith("invalid JSON") || reason.startsWith("trailing content")
                || reason.startsWith("duplicate field") || reason.equals("empty document")
                || reason.startsWith("unreadable document"))) {
            return INVALID_JSON;
        }
        if (reason.startsWith("unsupported version")) {
            return UNSUPPORTED_VERSION;
        }
        if (reason.startsWith("unknown event type")) {
            return UNKNOWN_EVENT_TYPE;
        }
        if (reason.contains("is not allowed here")) {
            return EVENT_TYPE_NOT_ALLOWED;
        }
        return SCHEMA_VIOLATION;
    }
}
