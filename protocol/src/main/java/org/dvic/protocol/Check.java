package org.dvic.protocol;

import java.util.regex.Pattern;

/** Field rules shared by the records' compact constructors, so every rule reads the same. */
public final class Check {
    private Check() {
    }

    public static <T> T required(T value, String field) {
        if (value == null) {
            throw new InvalidFieldException(field, "missing required field");
        }
        return value;
    }

    public static String text(String value, String field, int maxLength) {
        required(value, field);
        if (value.length() > maxLength) {
            throw new InvalidFieldException(field, "longer than " + maxLength + " characters");
        }
        return value;
    }

    public static String nonBlank(String value, String field, int maxLength) {
        text(value, field, maxLength);
        if (value.isBlank()) {
            throw new InvalidFieldException(field, "must not be blank");
        }
        return value;
    }

    public static String optionalText(String value, String field, int maxLength) {
        return value == null ? null : text(value, field, maxLength);
    }

    public static String matches(String value, String field, Pattern pattern, String what) {
        required(value, field);
        if (!pattern.matcher(value).matches()) {
            throw new InvalidFieldException(field, "must be " + what);
        }
        return value;
    }

    public static long nonNegative(long value, String field) {
        if (value < 0) {
            throw new InvalidFieldException(field, "must not be negative");
        }
        return value;
    }

    public static long positive(long value, String field) {
        if (value <= 0) {
            throw new InvalidFieldException(field, "must be positive");
        }
        return value;
    }

    public static double finite(double value, String field) {
        if (!Double.isFinite(value)) {
            throw new InvalidFieldException(field, "must be a finite number");
        }
        return value;
    }
}
