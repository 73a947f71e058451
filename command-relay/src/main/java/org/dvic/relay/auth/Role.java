package org.dvic.relay.auth;

import java.util.Locale;

/** Operator roles; each includes the rights of the ones before it. */
public enum Role {
    VIEWER, OPERATOR, ADMIN;

    public boolean atLeast(Role other) {
        return compareTo(other) >= 0;
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code viewer|operator|admin}; null for anything else. */
    public static Role parse(String text) {
        if (text == null) {
            return null;
        }
        return switch (text) {
            case "viewer" -> VIEWER;
            case "operator" -> OPERATOR;
            case "admin" -> ADMIN;
            default -> null;
        };
    }
}
