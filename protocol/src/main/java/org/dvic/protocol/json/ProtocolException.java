package org.dvic.protocol.json;

/**
 * A document that breaks the contract. {@code field} is the JSON path of the offending value
 * ({@code events[2].seq}; {@code $} for the document itself), {@code reason} says what is wrong in
 * words fit for an error frame or a 400 response.
 */
public final class ProtocolException extends RuntimeException {
    private final String field;
    private final String reason;

    public ProtocolException(String field, String reason) {
        super(field + ": " + reason);
        this.field = field;
        this.reason = reason;
    }

    public String field() {
        return field;
    }

    public String reason() {
        return reason;
    }
}
