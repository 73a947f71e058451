package org.dvic.streams.liveness;

import org.dvic.protocol.event.NodeStatus;
import org.dvic.protocol.event.ProcessState;

/** Told of every transition liveness emits (metrics); called on a stream thread, so it must be quick. */
public interface LivenessListener {
    LivenessListener NONE = new LivenessListener() { };

    default void nodeTransition(NodeStatus status) {
    }

    default void processTransition(ProcessState process) {
    }
}
