package org.dvic.protocol;

/** Size limits that are part of the contract: a document over them is invalid everywhere. */
public final class Limits {
    private Limits() {
    }

    /** A log message; client libraries truncate at 16 KiB of UTF-8, this leaves room for escaping. */
    public static final int MESSAGE = 32 * 1024;
    /** Names: hostnames, metric names, labels, demo names, usernames. */
    public static final int NAME = 256;
    /** Free text that is not a log line: reasons, details, OS strings, paths. */
    public static final int TEXT = 4096;
    /** One chunk of command or terminal output. */
    public static final int OUTPUT_CHUNK = 64 * 1024;
    /** A shell command line. */
    public static final int COMMAND_LINE = 8 * 1024;
    /** Entries in one map (metric values, log fields, labels, readings). */
    public static final int MAP_ENTRIES = 256;
    /** Events in one agent batch. */
    public static final int BATCH_EVENTS = 1000;
}
