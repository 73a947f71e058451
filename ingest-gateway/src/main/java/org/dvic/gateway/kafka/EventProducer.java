package org.dvic.gateway.kafka;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.dvic.gateway.config.GatewaySettings;
import org.dvic.gateway.config.KafkaSettings;
import org.dvic.gateway.config.TopicSettings;
import org.dvic.protocol.topic.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * The gateway's one Kafka producer, shared by every socket and request: idempotent, acks=all,
 * batching with a short linger. {@link #sendAll} completes once Kafka acknowledged every record of
 * a group, which is when the gateway may ack to the device; it never blocks on the ack.
 */
@Singleton
public final class EventProducer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventProducer.class);

    private final KafkaProducer<byte[], byte[]> producer;
    private final AtomicLong inFlight = new AtomicLong();
    private final byte[] gatewayId;
    private volatile LongConsumer latencyObserver = nanos -> { };
    /** One thread calls send(), in arrival order, so a node's events keep their order and no event loop blocks. */
    private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "dvic-gateway-sender");
        t.setDaemon(true);
        return t;
    });

    public EventProducer(KafkaSettings kafka, TopicSettings topics, GatewaySettings gateway) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBootstrapServers());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "dvic-ingest-gateway-" + gateway.getId());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        p.put(ProducerConfig.LINGER_MS_CONFIG, kafka.getLingerMs());
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, kafka.getBatchSize());
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, kafka.getCompression());
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, kafka.getBufferMemory());
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) kafka.getDeliveryTimeout().toMillis());
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
        // send() runs on the sending thread, never on an event loop: it may wait for metadata while
        // the broker is away; meanwhile the in-flight count grows and sockets stop being read.
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) kafka.getDeliveryTimeout().toMillis());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        this.producer = new KafkaProducer<>(p);
        this.gatewayId = gateway.getId().getBytes(StandardCharsets.UTF_8);
        sender.execute(() -> warmUp(topics));
    }

    /** Loads metadata for every topic up front so the first send() of a socket does not wait for it. */
    private void warmUp(TopicSettings topics) {
        for (var t : Topics.ALL) {
            try {
                producer.partitionsFor(topics.name(t));
            } catch (RuntimeException e) {
                LOG.warn("no metadata yet for topic {}: {}", topics.name(t), e.toString());
            }
        }
    }

    public void observeLatency(LongConsumer observer) {
        this.latencyObserver = observer;
    }

    /** Records sent and not yet acknowledged, over every socket: the backpressure signal. */
    public long inFlight() {
        return inFlight.get();
    }

    public ProducerRecord<byte[], byte[]> record(String topic, String key, byte[] value, long timestamp) {
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, null, timestamp,
                key.getBytes(StandardCharsets.UTF_8), value);
        r.headers().add("dvic-gateway", gatewayId);
        return r;
    }

    /** Sends the records; the future completes when all are acked, or fails with the first error. */
    public CompletableFuture<Void> sendAll(List<ProducerRecord<byte[], byte[]>> records) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (records.isEmpty()) {
            done.complete(null);
            return done;
        }
        long t0 = System.nanoTime();
        inFlight.addAndGet(records.size());
        try {
            sender.execute(() -> sendNow(records, done, t0));
        } catch (RejectedExecutionException e) {
            inFlight.addAndGet(-records.size());
            done.completeExceptionally(e);
        }
        return done;
    }

    private void sendNow(List<ProducerRecord<byte[], byte[]>> records, CompletableFuture<Void> done, long t0) {
        AtomicInteger remaining = new AtomicInteger(records.size());
        for (ProducerRecord<byte[], byte[]> r : records) {
            try {
                producer.send(r, (meta, error) -> {
                    inFlight.decrementAndGet();
                    if (error != null) {
                        done.completeExceptionally(error);
                    } else if (remaining.decrementAndGet() == 0) {
                        latencyObserver.accept(System.nanoTime() - t0);
                        done.complete(null);
                    }
                });
            } catch (RuntimeException e) {
                // send() itself failed (buffer exhausted past max.block.ms, producer closed): no callback comes.
                inFlight.decrementAndGet();
                done.completeExceptionally(e);
            }
        }
    }

    /** One record, fire and forget except for the returned future (used for rejects and command events). */
    public CompletableFuture<Void> send(ProducerRecord<byte[], byte[]> record) {
        return sendAll(List.of(record));
    }

    /** Waits until every send handed over so far was passed to Kafka, then until Kafka acknowledged it. */
    public void flush() {
        try {
            sender.submit(() -> { }).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("sender did not drain: {}", e.toString());
        }
        producer.flush();
    }

    @PreDestroy
    @Override
    public void close() {
        sender.shutdown();
        try {
            sender.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(10));
    }
}
