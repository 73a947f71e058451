package org.dvic.protocol;

/**
 * A value that breaks a contract rule. Thrown by record constructors; the codec turns it
 * into a {@link org.dvic.protocol.json.ProtocolException} that carries the full JSON path.
 */
public final class InvalidFieldException extends IllegalArgumentException {
    private final String field;
    private final String reason;

    public InvalidFieldException(String field, String reason) {
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
