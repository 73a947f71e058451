package org.dvic.streams.sink;

import com.datastax.oss.driver.api.core.servererrors.QueryValidationException;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.dvic.protocol.event.Event;
import org.dvic.protocol.json.EventCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Copies one topic into Cassandra. Each polled batch is written asynchronously with at most
 * {@link SinkSettings#maxInFlight()} statements in flight; its offsets are committed only when every
 * write of the batch succeeded. When Cassandra is unreachable the sink pauses its partitions (still
 * polling, so it keeps its group membership), retries the failed writes with backoff until they
 * succeed, then commits and resumes: nothing is lost, and because every write is idempotent a batch
 * written twice (after a crash or a rebalance) changes nothing.
 */
public final class CassandraSink<V extends Event> implements Runnable, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CassandraSink.class);
    private static final EventCodec CODEC = new EventCodec();

    private final SinkDefinition<V> definition;
    private final String topicName;
    private final SinkSettings settings;
    private final SinkMetrics metrics;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Semaphore inFlight;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Set<TopicPartition> revoked = new HashSet<>();
    private volatile boolean paused;
    private volatile long pausedSinceMs;
    private volatile Throwable lastError;
    private volatile boolean finished;
    private volatile long committed;
    /** Offsets of written batches whose commit failed, for the next commit. */
    private final Map<TopicPartition, OffsetAndMetadata> uncommitted = new HashMap<>();
    private long writtenUncommitted;

    /**
     * @param kafka consumer settings shared by every sink (bootstrap servers, ...); this adds the group
     *              {@code groupPrefix + name}, manual commits, read_committed and the batch size
     */
    public CassandraSink(SinkDefinition<V> definition, String namespace, String groupPrefix, Map<String, Object> kafka,
                         SinkSettings settings, SinkMetrics metrics) {
        this.definition = definition;
        this.topicName = definition.topic().nameIn(namespace);
        this.settings = settings;
        this.metrics = metrics;
        this.inFlight = new Semaphore(settings.maxInFlight());
        Properties props = new Properties();
        props.putAll(kafka);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupPrefix + definition.name());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, groupPrefix + definition.name());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // Rollups and statuses are written in Kafka transactions: never store an aborted one.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, settings.maxPollRecords());
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    public String name() {
        return definition.name();
    }

    public KafkaConsumer<byte[], byte[]> consumer() {
        return consumer;
    }

    /** True while Cassandra refuses this sink's writes and it is holding its partitions. */
    public boolean paused() {
        return paused;
    }

    public long pausedSinceMs() {
        return pausedSinceMs;
    }

    public Throwable lastError() {
        return lastError;
    }

    /** True once the loop has ended (stopped, or failed for good). */
    public boolean finished() {
        return finished;
    }

    /** Events written and committed since start. */
    public long committed() {
        return committed;
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(List.of(topicName), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    revoked.addAll(partitions);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    revoked.removeAll(partitions);
                }
            });
            LOG.info("sink {}: {} -> Cassandra", definition.name(), topicName);
            while (running.get()) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
                if (!records.isEmpty()) {
                    revoked.clear();
                    store(records);
                }
            }
        } catch (WakeupException e) {
            if (running.get()) {
                lastError = e;
                throw e;
            }
        } catch (RuntimeException e) {
            lastError = e;
            LOG.error("sink {} stopped: {}", definition.name(), e.toString(), e);
            throw e;
        } finally {
            try {
                consumer.close(Duration.ofSeconds(5));
            } finally {
                finished = true;
                LOG.info("sink {}: stopped", definition.name());
            }
        }
    }

    /** An event and the partition it came from (so a revoked partition's events can be dropped). */
    private record Pending<V>(TopicPartition partition, V event) {
    }

    private void store(ConsumerRecords<byte[], byte[]> records) {
        long t0 = System.nanoTime();
        List<Pending<V>> pending = new ArrayList<>(records.count());
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            TopicPartition tp = new TopicPartition(record.topic(), record.partition());
            offsets.put(tp, new OffsetAndMetadata(record.offset() + 1));
            if (record.value() == null) {
                continue; // a tombstone on a compacted topic: history keeps what it had
            }
            try {
                pending.add(new Pending<>(tp, CODEC.decode(record.value(), definition.topic().valueType())));
            } catch (RuntimeException e) {
                metrics.undecodable(definition.name());
                LOG.warn("sink {}: skipped an undecodable record at {}-{}@{}: {}", definition.name(), record.topic(),
                        record.partition(), record.offset(), e.getMessage());
            }
        }
        long backoff = 100;
        int written = pending.size();
        while (true) {
            pending = writeAll(pending);
            if (pending.isEmpty() || !running.get()) {
                break;
            }
            if (!paused) {
                paused = true;
                pausedSinceMs = System.currentTimeMillis();
                consumer.pause(consumer.assignment());
                LOG.warn("sink {}: Cassandra refuses writes ({}), pausing; {} events to retry", definition.name(),
                        lastError == null ? "?" : lastError.toString(), pending.size());
            }
            sleep(backoff);
            backoff = Math.min(backoff * 2, settings.retryBackoffMax().toMillis());
            // Keep the group membership while paused. A partition assigned anew in this poll is not paused
            // and may return records: rewind it so they are read again after the outage, and pause it too.
            ConsumerRecords<byte[], byte[]> stray = consumer.poll(Duration.ZERO);
            for (TopicPartition tp : stray.partitions()) {
                consumer.seek(tp, stray.records(tp).get(0).offset());
            }
            consumer.pause(consumer.assignment());
            if (!revoked.isEmpty()) {
                // Their new owner starts from the last commit and rewrites them (idempotent).
                pending.removeIf(p -> revoked.contains(p.partition()));
                offsets.keySet().removeAll(revoked);
                LOG.info("sink {}: partitions {} moved away while paused", definition.name(), revoked);
            }
        }
        if (!running.get() && !pending.isEmpty()) {
            return; // stopping mid-outage: nothing committed, the next start rewrites the batch
        }
        if (paused) {
            paused = false;
            consumer.resume(consumer.paused());
            LOG.info("sink {}: Cassandra accepts writes again after {} ms", definition.name(),
                    System.currentTimeMillis() - pausedSinceMs);
        }
        offsets.keySet().removeAll(revoked);
        if (!offsets.isEmpty()) {
            metrics.batchWritten(definition.name(), written, System.nanoTime() - t0);
            uncommitted.putAll(offsets);
            writtenUncommitted += written;
            commit();
        }
    }

    /**
     * Commits the offsets of every batch written so far. A commit that fails (the broker away longer
     * than the commit timeout, a rebalance) does not end the sink: the offsets are kept and go with
     * the next batch's commit; should the sink stop before then, its next start rewrites those events,
     * which changes nothing.
     */
    private void commit() {
        uncommitted.keySet().retainAll(consumer.assignment());
        if (uncommitted.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(uncommitted);
            uncommitted.clear();
            committed += writtenUncommitted;
            writtenUncommitted = 0;
        } catch (RetriableException | CommitFailedException | RebalanceInProgressException e) {
            LOG.warn("sink {}: offsets not committed ({}); retried with the next batch", definition.name(),
                    e.toString());
        }
    }

    /** Writes every event with bounded concurrency; returns the ones whose writes failed and may succeed later. */
    private List<Pending<V>> writeAll(List<Pending<V>> events) {
        ConcurrentLinkedQueue<Pending<V>> failed = new ConcurrentLinkedQueue<>();
        List<CompletableFuture<?>> writes = new ArrayList<>(events.size());
        for (Pending<V> pending : events) {
            V event = pending.event();
            int weight = Math.max(1, Math.min(settings.maxInFlight(), definition.statements().applyAsInt(event)));
            inFlight.acquireUninterruptibly(weight);
            long start = System.nanoTime();
            CompletableFuture<?> write;
            try {
                write = definition.write().apply(event).toCompletableFuture();
            } catch (RuntimeException e) {
                write = CompletableFuture.failedFuture(e);
            }
            writes.add(write.whenComplete((ok, error) -> {
                inFlight.release(weight);
                if (error == null) {
                    metrics.eventWritten(definition.name(), System.nanoTime() - start);
                } else {
                    Throwable cause = error instanceof CompletionException && error.getCause() != null
                            ? error.getCause() : error;
                    boolean retriable = !(cause instanceof QueryValidationException
                            || cause instanceof IllegalArgumentException);
                    metrics.writeFailed(definition.name(), retriable);
                    if (retriable) {
                        lastError = cause;
                        failed.add(pending);
                    } else {
                        // A statement Cassandra will never accept: retrying would stall the sink for good.
                        LOG.error("sink {}: gave up an event Cassandra rejects: {}", definition.name(), cause.toString());
                    }
                }
            }).exceptionally(e -> null));
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
        return new ArrayList<>(failed);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Asks the loop to stop; it finishes or abandons the current batch (uncommitted) and closes the consumer. */
    @Override
    public void close() {
        running.set(false);
        consumer.wakeup();
    }
}
