package org.dvic.protocol.event;

/** A demo process's state: UNKNOWN while its node is offline (nobody can tell). */
public enum ProcessStatus {
    RUNNING, EXITED, UNKNOWN
}
