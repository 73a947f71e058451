package org.dvic.streams.sink;

import org.dvic.protocol.event.Event;
import org.dvic.protocol.topic.Topic;

import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * One topic into one table: the write of one event (idempotent: a replay rewrites the same cells)
 * and how many statements it issues (its share of the in-flight bound).
 */
public record SinkDefinition<V extends Event>(String name, Topic<?, V> topic, Function<V, CompletionStage<?>> write,
                                              ToIntFunction<V> statements) {
}
