package org.dvic.log;

import java.util.Arrays;

/** The six levels of the format (client-libs/spec/FORMAT.md §3). */
public enum Level {
    TRACE, DEBUG, INFO, WARN, ERROR, FATAL;

    /** Parses a level name; anything but the six names is an {@link IllegalArgumentException}. */
    public static Level parse(String name) {
        for (Level level : values()) {
            if (level.name().equals(name)) {
                return level;
            }
        }
        throw new IllegalArgumentException("invalid dvic_log level \"" + name + "\": expected one of "
                + Arrays.toString(values()));
    }

    /** FORMAT.md §8: java.util.logging levels to format levels. */
    public static Level fromJul(java.util.logging.Level level) {
        int value = level.intValue();
        if (value < java.util.logging.Level.FINE.intValue()) {
            return TRACE;
        }
        if (value < java.util.logging.Level.INFO.intValue()) {
            return DEBUG;
        }
        if (value < java.util.logging.Level.WARNING.intValue()) {
            return INFO;
        }
        if (value < java.util.logging.Level.SEVERE.intValue()) {
            return WARN;
        }
        return value == java.util.logging.Level.SEVERE.intValue() ? ERROR : FATAL;
    }
}
