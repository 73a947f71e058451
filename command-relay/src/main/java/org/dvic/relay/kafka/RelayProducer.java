package org.dvic.relay.kafka;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.dvic.protocol.event.Event;
import org.dvic.protocol.json.EventCodec;
import org.dvic.protocol.topic.Topic;
import org.dvic.relay.api.ApiException;
import org.dvic.relay.config.KafkaSettings;
import org.dvic.relay.config.RelaySettings;
import org.dvic.relay.config.TopicSettings;

import io.micronaut.http.HttpStatus;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The relay's one producer: idempotent, acks=all, keyed by node id; a header names the relay instance. */
@Singleton
public final class RelayProducer implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;
    private final TopicSettings topics;
    private final EventCodec codec;
    private final byte[] relayId;

    public RelayProducer(KafkaSettings kafka, TopicSettings topics, RelaySettings relay, EventCodec codec,
                         org.dvic.relay.config.SettingsCheck checked) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBootstrapServers());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "dvic-command-relay-" + relay.getId());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        this.producer = new KafkaProducer<>(p);
        this.topics = topics;
        this.codec = codec;
        this.relayId = relay.getId().getBytes(StandardCharsets.UTF_8);
    }

    /** Sends one event keyed by its node; completes when Kafka acknowledged it (acks=all). */
    public CompletableFuture<Void> send(Topic<UUID, ?> topic, UUID nodeId, Event event, long timestamp) {
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topics.name(topic), null, timestamp,
                nodeId.toString().getBytes(StandardCharsets.UTF_8), codec.encode(event));
        r.headers().add("dvic-relay", relayId);
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            producer.send(r, (meta, error) -> {
                if (error != null) {
                    done.completeExceptionally(error);
                } else {
                    done.complete(null);
                }
            });
        } catch (RuntimeException e) {
            done.completeExceptionally(e);
        }
        return done;
    }

    /** Sends and waits for the acknowledgement; a failure is a 503 for the caller. */
    public void sendAndWait(Topic<UUID, ?> topic, UUID nodeId, Event event, long timestamp) {
        try {
            send(topic, nodeId, event, timestamp).get(15, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", "interrupted while writing to Kafka");
        } catch (ExecutionException | TimeoutException e) {
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "unavailable",
                    "Kafka did not acknowledge the write; nothing was sent");
        }
    }

    public void flush() {
        producer.flush();
    }

    @PreDestroy
    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
