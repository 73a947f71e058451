package org.dvic.relay.fleet;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micronaut.context.annotation.Context;
import jakarta.annotation.PreDestroy;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.dvic.protocol.event.Command;
import org.dvic.protocol.event.CommandEvent;
import org.dvic.protocol.event.Event;
import org.dvic.protocol.event.LogRecord;
import org.dvic.protocol.event.MetricSample;
import org.dvic.protocol.event.NodeStatus;
import org.dvic.protocol.json.EventCodec;
import org.dvic.protocol.topic.Topic;
import org.dvic.protocol.topic.Topics;
import org.dvic.relay.command.CommandQueue;
import org.dvic.relay.config.KafkaSettings;
import org.dvic.relay.config.RelaySettings;
import org.dvic.relay.config.TopicSettings;
import org.dvic.relay.live.LiveHub;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The relay instance's one Kafka consumer (no consumer group: every instance reads every
 * partition), feeding the fleet view and every live socket: compacted topics (registry, node
 * status, inventory, process status) from the beginning, metrics from a short backfill, logs and
 * commands from now. Browsers never cause a consumer of their own.
 */
@Context
public final class FleetFeed implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FleetFeed.class);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final EventCodec codec;
    private final FleetState fleet;
    private final IssuerMemory issuers;
    private final LiveHub hub;
    private final CommandQueue queue;
    private final Map<String, Topic<?, ?>> byName = new HashMap<>();
    private final Map<TopicPartition, Long> loadTargets = new HashMap<>();
    private final Thread thread;
    private final Counter records;
    private final Counter undecodable;
    private final Timer appendToFanOut;
    private volatile boolean loaded;
    private volatile boolean running = true;

    public FleetFeed(KafkaSettings kafka, TopicSettings topics, RelaySettings relay, EventCodec codec, FleetState fleet,
                     IssuerMemory issuers, LiveHub hub, CommandQueue queue, MeterRegistry meters,
                     org.dvic.relay.config.SettingsCheck checked) {
        this.codec = codec;
        this.fleet = fleet;
        this.issuers = issuers;
        this.hub = hub;
        this.queue = queue;
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBootstrapServers());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "dvic-command-relay-feed-" + relay.getId());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        this.consumer = new KafkaConsumer<>(p);
        this.records = meters.counter("dvic.relay.feed.records");
        this.undecodable = meters.counter("dvic.relay.feed.undecodable");
        this.appendToFanOut = Timer.builder("dvic.relay.feed.append.to.fanout").publishPercentiles(0.5, 0.99)
                .register(meters);

        List<Topic<?, ?>> fromStart = List.of(Topics.REGISTRY, Topics.NODE_STATUS, Topics.INVENTORY, Topics.PROCESS_STATUS);
        List<Topic<?, ?>> fromNow = List.of(Topics.LOGS, Topics.COMMANDS, Topics.COMMAND_EVENTS);
        List<TopicPartition> startParts = partitions(topics, fromStart);
        List<TopicPartition> nowParts = partitions(topics, fromNow);
        List<TopicPartition> metricParts = partitions(topics, List.of(Topics.METRICS));
        List<TopicPartition> all = new ArrayList<>(startParts);
        all.addAll(nowParts);
        all.addAll(metricParts);
        consumer.assign(all);
        consumer.seekToBeginning(startParts);
        consumer.seekToEnd(nowParts);
        Map<TopicPartition, Long> since = new HashMap<>();
        long backfillFrom = System.currentTimeMillis() - relay.getMetricsBackfill().toMillis();
        metricParts.forEach(tp -> since.put(tp, backfillFrom));
        Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(since, Duration.ofSeconds(30));
        for (TopicPartition tp : metricParts) {
            OffsetAndTimestamp o = offsets.get(tp);
            if (o == null) {
                consumer.seekToEnd(List.of(tp));
            } else {
                consumer.seek(tp, o.offset());
            }
        }
        // Positions are resolved lazily; resolve now so new records after start are never skipped.
        all.forEach(consumer::position);
        consumer.endOffsets(startParts, Duration.ofSeconds(30)).forEach((tp, end) -> {
            if (end > 0) {
                loadTargets.put(tp, end);
            }
        });
        loaded = loadTargets.isEmpty();
        this.thread = new Thread(this::run, "dvic-relay-feed");
        thread.setDaemon(true);
        thread.start();
    }

    private List<TopicPartition> partitions(TopicSettings topics, List<Topic<?, ?>> list) {
        List<TopicPartition> parts = new ArrayList<>();
        for (Topic<?, ?> t : list) {
            String name = topics.name(t);
            byName.put(name, t);
            List<PartitionInfo> infos = consumer.partitionsFor(name, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("Kafka topic " + name + " does not exist (dvic.topics.namespace='"
                        + topics.getNamespace() + "')");
            }
            infos.forEach(i -> parts.add(new TopicPartition(name, i.partition())));
        }
        return parts;
    }

    /** True once the compacted topics were read up to where they ended at start-up. */
    public boolean loaded() {
        return loaded;
    }

    private void run() {
        try {
            while (running) {
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(200));
                for (ConsumerRecord<byte[], byte[]> r : batch) {
                    handle(r);
                }
                if (!loaded) {
                    checkLoaded();
                }
            }
        } catch (WakeupException e) {
            // stopping
        } catch (RuntimeException e) {
            LOG.error("fleet feed stopped", e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void checkLoaded() {
        loadTargets.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
        if (loadTargets.isEmpty()) {
            loaded = true;
            LOG.info("fleet view loaded: {} nodes", fleet.size());
        }
    }

    private void handle(ConsumerRecord<byte[], byte[]> r) {
        records.increment();
        if (r.value() == null) {
            return;
        }
        Event event;
        try {
            event = codec.decode(r.value());
        } catch (RuntimeException e) {
            undecodable.increment();
            LOG.debug("skipping an undecodable record at {}-{}@{}", r.topic(), r.partition(), r.offset());
            return;
        }
        Topic<?, ?> topic = byName.get(r.topic());
        String json = new String(r.value(), StandardCharsets.UTF_8);
        try {
            if (topic == Topics.COMMANDS) {
                if (event instanceof Command c && !(event instanceof Command.TerminalInput)
                        && !(event instanceof Command.TerminalResize) && !(event instanceof Command.TerminalClose)) {
                    issuers.remember(c.commandId(), c.issuedBy());
                }
                return;
            }
            if (topic == Topics.COMMAND_EVENTS && event instanceof CommandEvent ce) {
                hub.commandEvent(ce, json);
            } else if (topic == Topics.LOGS && event instanceof LogRecord log) {
                hub.log(log, json);
            } else if (topic == Topics.METRICS && event instanceof MetricSample m) {
                fleet.apply(m);
                hub.metric(m, json);
            } else if (fleet.apply(event)) {
                if (loaded) {
                    // (while loading, the queue's sweep finds the nodes that are online)
                    if (event instanceof NodeStatus s && s.state() == NodeStatus.NodeState.ONLINE) {
                        queue.nodeOnline(s.nodeId());
                    }
                    hub.fleet(event, json);
                }
            }
            if (loaded && r.timestamp() > 0) {
                appendToFanOut.record(Math.max(0, System.currentTimeMillis() - r.timestamp()), TimeUnit.MILLISECONDS);
            }
        } catch (RuntimeException e) {
            LOG.warn("could not fan out a {} event: {}", r.topic(), e.toString());
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
