package org.dvic.protocol.event;

/** Log levels, in increasing severity, as the client libraries write them. */
public enum LogLevel {
    TRACE, DEBUG, INFO, WARN, ERROR, FATAL
}
