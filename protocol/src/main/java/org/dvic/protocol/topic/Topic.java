package org.dvic.protocol.topic;

import java.time.Duration;
import java.util.Objects;

/**
 * A Kafka topic of the catalogue: its name, key and value types, and how it is kept. Keys are
 * serialized as UTF-8 strings (a node id's canonical UUID form), values as the event JSON.
 *
 * @param retention how long records are kept; null for topics that keep records for ever
 *                  (compacted topics keep the latest per key)
 */
public record Topic<K, V>(String name, Class<K> keyType, Class<V> valueType, int partitions,
                          Duration retention, boolean compacted, String description) {

    public Topic {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(keyType, "keyType");
        Objects.requireNonNull(valueType, "valueType");
        Objects.requireNonNull(description, "description");
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be positive: " + name);
        }
        if (compacted == (retention != null)) {
            throw new IllegalArgumentException(name + ": a topic is either compacted or has a retention");
        }
    }

    /**
     * The topic's name inside a namespace: the bare name for the default (empty) namespace, else
     * {@code <namespace>.<name>}. Tests use one namespace each so they never see each other's records.
     */
    public String nameIn(String namespace) {
        return namespace == null || namespace.isEmpty() ? name : namespace + "." + name;
    }
}
