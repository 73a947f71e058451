package org.dvic.streams.sink;

/** What a sink reports (Prometheus in the service, nothing in tests); called from its own thread. */
public interface SinkMetrics {
    SinkMetrics NONE = new SinkMetrics() { };

    /** A batch of {@code events} was stored (writes acknowledged) in {@code nanos}, offsets not yet committed. */
    default void batchWritten(String sink, int events, long nanos) {
    }

    /** One event's writes took {@code nanos}. */
    default void eventWritten(String sink, long nanos) {
    }

    /** A write failed and will be retried ({@code retriable}) or was given up (a bad event). */
    default void writeFailed(String sink, boolean retriable) {
    }

    /** A record that does not decode was skipped. */
    default void undecodable(String sink) {
    }
}
