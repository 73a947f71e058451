package org.dvic.streams.serde;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.dvic.protocol.event.Event;
import org.dvic.protocol.json.EventCodec;

/**
 * Kafka serde of the catalogue's JSON events through the strict {@link EventCodec}. A document that
 * does not decode throws, so the deserialization exception handler logs and skips it.
 */
public final class EventSerde<T extends Event> implements Serde<T> {
    private static final EventCodec CODEC = new EventCodec();

    private final Class<T> type;

    private EventSerde(Class<T> type) {
        this.type = type;
    }

    public static <T extends Event> EventSerde<T> of(Class<T> type) {
        return new EventSerde<>(type);
    }

    /** The shared codec (thread-safe). */
    public static EventCodec codec() {
        return CODEC;
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, event) -> event == null ? null : CODEC.encode(event);
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> bytes == null ? null : CODEC.decode(bytes, type);
    }
}
