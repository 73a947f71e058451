package org.dvic.streams.liveness;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.Stores;
import org.dvic.protocol.event.Event;
import org.dvic.protocol.event.ProcessState;
import org.dvic.protocol.topic.Topic;
import org.dvic.protocol.topic.Topics;
import org.dvic.streams.serde.EventSerde;

import java.util.List;

/**
 * Liveness: which nodes and demo processes are alive. Input: every node-keyed topic that carries a
 * node's own events (any of them is proof of life), the gateway's session events (a clean goodbye
 * is OFFLINE at once) and the registry (per-node timeout overrides). Output: transitions only, to
 * the compacted {@code dvic.node-status} and {@code dvic.process-status}. All inputs are
 * co-partitioned by node id, so one task sees everything about its nodes and no repartitioning is needed.
 */
public final class LivenessTopology {
    public static final String NODE_STORE = "liveness-nodes";
    public static final String PROCESS_STORE = "liveness-processes";
    public static final String CLOCK_STORE = "liveness-clock";
    static final String NODE_STATUS_SINK = "node-status-out";
    static final String PROCESS_STATUS_SINK = "process-status-out";

    /** The topics whose events prove a node alive; plus sessions and the registry, the inputs. */
    public static final List<Topic<?, ?>> PROOF_OF_LIFE = List.of(Topics.HEARTBEATS, Topics.METRICS, Topics.LOGS,
            Topics.PROCESSES, Topics.INVENTORY, Topics.COMMAND_EVENTS);

    private LivenessTopology() {
    }

    public static Topology build(String namespace, LivenessSettings settings, LivenessListener listener) {
        return build(namespace, settings, listener, true);
    }

    /** {@code persistent}: RocksDB stores (the service) or in-memory ones (benchmarks); both are changelogged. */
    public static Topology build(String namespace, LivenessSettings settings, LivenessListener listener,
                                 boolean persistent) {
        String registry = Topics.REGISTRY.nameIn(namespace);
        String[] inputs = java.util.stream.Stream.concat(PROOF_OF_LIFE.stream(),
                        java.util.stream.Stream.of(Topics.SESSIONS, Topics.REGISTRY))
                .map(t -> t.nameIn(namespace)).toArray(String[]::new);
        EventSerde<Event> events = EventSerde.of(Event.class);
        Topology topology = new Topology();
        topology.addSource("liveness-in", Serdes.String().deserializer(), events.deserializer(), inputs);
        topology.addProcessor("liveness", () -> new LivenessProcessor(settings, listener, registry), "liveness-in");
        topology.addStateStore(Stores.keyValueStoreBuilder(store(NODE_STORE, persistent), Serdes.String(),
                NodeLiveness.serde()).withCachingEnabled(), "liveness");
        topology.addStateStore(Stores.keyValueStoreBuilder(store(PROCESS_STORE, persistent), Serdes.String(),
                EventSerde.of(ProcessState.class)), "liveness");
        topology.addStateStore(Stores.keyValueStoreBuilder(store(CLOCK_STORE, persistent), Serdes.String(),
                Serdes.Long()), "liveness");
        topology.addSink(NODE_STATUS_SINK, Topics.NODE_STATUS.nameIn(namespace), Serdes.String().serializer(),
                events.serializer(), "liveness");
        topology.addSink(PROCESS_STATUS_SINK, Topics.PROCESS_STATUS.nameIn(namespace), Serdes.String().serializer(),
                events.serializer(), "liveness");
        return topology;
    }

    private static KeyValueBytesStoreSupplier store(String name, boolean persistent) {
        return persistent ? Stores.persistentKeyValueStore(name) : Stores.inMemoryKeyValueStore(name);
    }
}
