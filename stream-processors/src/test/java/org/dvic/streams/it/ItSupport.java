package org.dvic.streams.it;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.dvic.devstack.junit.TestStack;
import org.dvic.protocol.event.Event;
import org.dvic.protocol.json.EventCodec;
import org.dvic.protocol.topic.Topic;
import org.dvic.store.StoreSettings;
import org.dvic.streams.StreamProcessors;
import org.dvic.streams.liveness.LivenessListener;
import org.dvic.streams.liveness.LivenessSettings;
import org.dvic.streams.rollup.RollupTopology;
import org.dvic.streams.sink.SinkMetrics;
import org.dvic.streams.sink.SinkSettings;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;

/** Shared wiring of the integration tests: the processors on the test's namespace and keyspace. */
final class ItSupport {
    private static final EventCodec CODEC = new EventCodec();

    private ItSupport() {
    }

    static StreamProcessors.Config config(TestStack stack, Path stateDir, boolean streams, List<String> sinks) {
        return new StreamProcessors.Config(stack.bootstrapServers(), stack.namespace(),
                "it-" + UUID.randomUUID().toString().substring(0, 8), stateDir, 1, 1, Duration.ofMillis(100),
                StreamProcessors.ROLLUP_COMMIT_INTERVAL, streams, streams, new LivenessSettings(3, Duration.ofSeconds(30), Duration.ofMillis(200),
                Duration.ofDays(7)), new RollupTopology.Settings(Duration.ofSeconds(2), Duration.ofSeconds(10)),
                StoreSettings.local(stack.cassandraPort(), stack.keyspace()), sinks,
                new SinkSettings(256, 500, Duration.ofSeconds(1)));
    }

    static StreamProcessors start(StreamProcessors.Config config) {
        StreamProcessors p = new StreamProcessors(config, LivenessListener.NONE, SinkMetrics.NONE,
                StreamProcessors.Hooks.NONE);
        p.start();
        return p;
    }

    /**
     * An idempotent producer with one request in flight per connection. The test topics are created
     * just before the test starts producing, and on Kafka 4.3 an idempotent producer with several
     * requests in flight to a partition the broker has not finished creating can lose a batch
     * silently: the first request fails with NOT_LEADER_OR_FOLLOWER, the next one is appended, and
     * every retry of the first then fails with OUT_OF_ORDER_SEQUENCE_NUMBER until delivery.timeout.ms
     * expires it (KAFKA-15591, fixed in Kafka 4.5). One request in flight keeps the retry first.
     */
    static KafkaProducer<String, byte[]> producer(TestStack stack) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1,
                ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(), new ByteArraySerializer());
    }

    static Future<RecordMetadata> send(KafkaProducer<String, byte[]> producer, TestStack stack, Topic<?, ?> topic,
                                       UUID node, Event event, Long timestamp) {
        return send(producer, stack, topic, node, event, timestamp, null);
    }

    /** Sends one event; {@code acked} (may be null) is told when Kafka acknowledged it or gave up. */
    static Future<RecordMetadata> send(KafkaProducer<String, byte[]> producer, TestStack stack, Topic<?, ?> topic,
                                       UUID node, Event event, Long timestamp, Callback acked) {
        return producer.send(new ProducerRecord<>(stack.topic(topic), null, timestamp, node.toString(),
                CODEC.encode(event)), acked);
    }
}
