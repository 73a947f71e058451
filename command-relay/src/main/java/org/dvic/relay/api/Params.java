package org.dvic.relay.api;

import java.util.UUID;

/** Query and path parameter parsing with field-naming 400s. */
public final class Params {
    private Params() {
    }

    public static UUID uuid(String text, String field) {
        if (text == null || text.length() != 36) {
            throw ApiException.invalid(field, "must be a UUID");
        }
        try {
            UUID id = UUID.fromString(text);
            if (!id.toString().equals(text.toLowerCase(java.util.Locale.ROOT))) {
                throw ApiException.invalid(field, "must be a UUID");
            }
            return id;
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(field, "must be a UUID");
        }
    }

    public static long epochMs(String text, String field, long fallback) {
        if (text == null || text.isEmpty()) {
            return fallback;
        }
        try {
            long v = Long.parseLong(text);
            if (v < 0) {
                throw ApiException.invalid(field, "must not be negative");
            }
            return v;
        } catch (NumberFormatException e) {
            throw ApiException.invalid(field, "must be epoch milliseconds");
        }
    }

    public static int intIn(String text, String field, int min, int max, int fallback) {
        if (text == null || text.isEmpty()) {
            return fallback;
        }
        try {
            int v = Integer.parseInt(text);
            if (v < min || v > max) {
                throw ApiException.invalid(field, "must be between " + min + " and " + max);
            }
            return v;
        } catch (NumberFormatException e) {
            throw ApiException.invalid(field, "must be an integer");
        }
    }

    /** A [from, to] range, defaulting to the last hour, at most {@code maxSpanMs} wide. */
    public record Range(long from, long to) {
    }

    public static Range range(String from, String to, long now, long maxSpanMs) {
        long t = epochMs(to, "to", now);
        long f = epochMs(from, "from", Math.max(0, t - 3_600_000L));
        if (f > t) {
            throw ApiException.invalid("from", "must not be after to");
        }
        if (t - f > maxSpanMs) {
            throw ApiException.invalid("from", "range longer than " + (maxSpanMs / 86_400_000L) + " days");
        }
        return new Range(f, t);
    }
}
