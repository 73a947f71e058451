package org.dvic.relay.command;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import jakarta.annotation.PreDestroy;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.dvic.protocol.event.CommandEvent;
import org.dvic.protocol.json.EventCodec;
import org.dvic.protocol.topic.Topics;
import org.dvic.relay.config.KafkaSettings;
import org.dvic.relay.config.RelaySettings;
import org.dvic.relay.config.TopicSettings;
import org.dvic.store.CommandAuditRepository;
import org.dvic.store.CommandOutputRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Writes command outcomes and output chunks from {@code dvic.command-events} to the audit tables.
 * One consumer group shared by all relay instances (each event handled once), offsets committed
 * only after the Cassandra writes of a poll succeeded; a failed write rewinds and retries, and the
 * writes are idempotent, so a replay changes nothing.
 */
@Context
@Requires(property = "dvic.relay.audit-sink.enabled", notEquals = "false")
public final class AuditSink implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AuditSink.class);
    static final String GROUP = "dvic-command-relay-audit";

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final EventCodec codec;
    private final CommandAuditRepository audit;
    private final CommandOutputRepository output;
    private final Thread thread;
    private final Counter written;
    private volatile boolean running = true;

    public AuditSink(KafkaSettings kafka, TopicSettings topics, RelaySettings relay, EventCodec codec,
                     CommandAuditRepository audit, CommandOutputRepository output, MeterRegistry meters,
                     org.dvic.relay.config.SettingsCheck checked) {
        this.codec = codec;
        this.audit = audit;
        this.output = output;
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, topics.getNamespace().isEmpty() ? GROUP : topics.getNamespace() + "." + GROUP);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "dvic-command-relay-audit-" + relay.getId());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        this.consumer = new KafkaConsumer<>(p);
        consumer.subscribe(List.of(topics.name(Topics.COMMAND_EVENTS)));
        this.written = meters.counter("dvic.relay.audit.events");
        this.thread = new Thread(this::run, "dvic-relay-audit");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (running) {
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(500));
                if (batch.isEmpty()) {
                    continue;
                }
                List<CompletionStage<?>> writes = new ArrayList<>();
                Map<TopicPartition, Long> first = new HashMap<>();
                Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
                for (ConsumerRecord<byte[], byte[]> r : batch) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    first.putIfAbsent(tp, r.offset());
                    next.put(tp, new OffsetAndMetadata(r.offset() + 1));
                    CommandEvent event;
                    try {
                        event = codec.decode(r.value(), CommandEvent.class);
                    } catch (RuntimeException e) {
                        LOG.debug("skipping an undecodable command event at {}-{}@{}", r.topic(), r.partition(), r.offset());
                        continue;
                    }
                    if (event instanceof CommandEvent.Output out) {
                        writes.add(output.save(out));
                    } else {
                        writes.add(audit.recordOutcome(event));
                    }
                }
                try {
                    CompletableFuture.allOf(writes.stream().map(CompletionStage::toCompletableFuture)
                            .toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
                    consumer.commitSync(next);
                    written.increment(writes.size());
                } catch (Exception e) {
                    if (e instanceof InterruptedException) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    LOG.warn("audit writes failed, retrying the batch: {}", e.toString());
                    first.forEach(consumer::seek);
                    sleep(1000);
                }
            }
        } catch (WakeupException e) {
            // stopping
        } catch (RuntimeException e) {
            LOG.error("audit sink stopped", e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @PreDestroy
    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
