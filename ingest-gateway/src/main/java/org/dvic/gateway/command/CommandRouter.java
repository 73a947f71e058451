package org.dvic.gateway.command;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import jakarta.annotation.PreDestroy;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.dvic.gateway.agent.AgentConnection;
import org.dvic.gateway.agent.AgentConnections;
import org.dvic.gateway.config.GatewaySettings;
import org.dvic.gateway.config.KafkaSettings;
import org.dvic.gateway.config.TopicSettings;
import org.dvic.gateway.kafka.EventProducer;
import org.dvic.gateway.kafka.TopicMirror;
import org.dvic.gateway.registry.KnownNode;
import org.dvic.gateway.registry.NodeRegistry;
import org.dvic.protocol.event.Command;
import org.dvic.protocol.event.CommandEvent;
import org.dvic.protocol.json.EventCodec;
import org.dvic.protocol.topic.Topics;
import org.dvic.protocol.wire.ServerFrame;
import org.dvic.protocol.wire.WireCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Delivers {@code dvic.commands} to the sockets this instance holds. Two readers, so that with any
 * number of instances every command is handled once:
 * <ul>
 * <li>every instance reads every partition (no group) from where it started and writes a command to
 * its node's socket if it holds it, then emits {@code command-accepted}: only the holder delivers;</li>
 * <li>a consumer group shared by the instances hands each partition to one of them, which queues
 * board commands for their next keep-alive and, after a short grace, emits
 * {@code command-undeliverable} for agent commands whose node has no socket at any instance
 * (per {@code dvic.sessions}), for unknown nodes and for commands already expired.</li>
 * </ul>
 */
@Context
public final class CommandRouter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CommandRouter.class);

    private final AgentConnections connections;
    private final NodeRegistry registry;
    private final FleetSessions sessions;
    private final BoardInbox boards;
    private final EventProducer producer;
    private final EventCodec events;
    private final WireCodec wire;
    private final String commandEventsTopic;
    private final Duration grace;
    private final TopicMirror delivery;
    private final KafkaConsumer<byte[], byte[]> decider;
    private final Thread deciderThread;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "dvic-gateway-command-timer");
        t.setDaemon(true);
        return t;
    });
    private final Counter delivered;
    private final Counter undeliverable;
    private volatile boolean running = true;
    /** The decider has joined its group: from here on, every command is decided by some instance. */
    private volatile boolean deciderJoined;

    public CommandRouter(KafkaSettings kafka, TopicSettings topics, GatewaySettings gateway, AgentConnections connections,
                         NodeRegistry registry, FleetSessions sessions, BoardInbox boards, EventProducer producer,
                         EventCodec events, WireCodec wire, MeterRegistry meters) {
        this.connections = connections;
        this.registry = registry;
        this.sessions = sessions;
        this.boards = boards;
        this.producer = producer;
        this.events = events;
        this.wire = wire;
        this.commandEventsTopic = topics.name(Topics.COMMAND_EVENTS);
        this.grace = gateway.getUndeliverableGrace();
        this.delivered = Counter.builder("dvic.gateway.commands.delivered").register(meters);
        this.undeliverable = Counter.builder("dvic.gateway.commands.undeliverable").register(meters);
        String commandsTopic = topics.name(Topics.COMMANDS);
        this.delivery = new TopicMirror(kafka.getBootstrapServers(), commandsTopic,
                "dvic-gateway-commands-" + gateway.getId(), false, r -> deliver(decode(r))).start();

        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, (topics.getNamespace().isEmpty() ? "" : topics.getNamespace() + ".")
                + "dvic-ingest-gateway");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "dvic-gateway-command-decider-" + gateway.getId());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, true);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        this.decider = new KafkaConsumer<>(p);
        this.decider.subscribe(List.of(commandsTopic), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                deciderJoined = true; // called after every rebalance, even with no partitions for this instance
            }
        });
        this.deciderThread = new Thread(this::decideLoop, "dvic-gateway-command-decider");
        this.deciderThread.setDaemon(true);
        this.deciderThread.start();
    }

    /**
     * Whether commands published from now on reach this instance's sockets and are decided (both
     * readers start at the end of {@code dvic.commands}: a command from before is not replayed).
     */
    public boolean ready() {
        return deciderJoined && delivery.caughtUp();
    }

    private Command decode(ConsumerRecord<byte[], byte[]> r) {
        return r.value() == null ? null : events.decode(r.value(), Command.class);
    }

    private void deliver(Command command) {
        if (command == null || command.expiresAt() < System.currentTimeMillis()) {
            return;
        }
        AgentConnection c = connections.get(command.nodeId());
        if (c == null || !c.isOpen()) {
            return;
        }
        String frame = new String(wire.encode(new ServerFrame.CommandDelivery(command)), StandardCharsets.UTF_8);
        c.send(frame).whenComplete((ok, e) -> {
            if (e == null) {
                delivered.increment();
                emit(new CommandEvent.Accepted(command.commandId(), command.nodeId(), System.currentTimeMillis()));
            } else {
                emitUndeliverable(command, "the node's socket failed while the command was written");
            }
        });
    }

    private void decideLoop() {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : decider.poll(Duration.ofMillis(200))) {
                    try {
                        decide(decode(r));
                    } catch (RuntimeException e) {
                        LOG.warn("skipped command at {}/{}: {}", r.partition(), r.offset(), e.toString());
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            if (running) {
                LOG.error("command decider stopped: {}", e.toString(), e);
            }
        } finally {
            decider.close(Duration.ofSeconds(2));
        }
    }

    private void decide(Command command) {
        if (command == null) {
            return;
        }
        KnownNode node = registry.find(command.nodeId());
        if (node == null) {
            emitUndeliverable(command, "unknown node");
            return;
        }
        if (node.revoked()) {
            emitUndeliverable(command, "node revoked");
            return;
        }
        if (command.expiresAt() < System.currentTimeMillis()) {
            emitUndeliverable(command, "expired before delivery");
            return;
        }
        if (node.isBoard()) {
            Command dropped = boards.offer(command);
            if (dropped != null) {
                emitUndeliverable(dropped, "the board's command queue overflowed");
            }
            return;
        }
        timer.schedule(() -> {
            if (!sessions.connectedAnywhere(command.nodeId())) {
                emitUndeliverable(command, "node not connected");
            }
        }, grace.toMillis(), TimeUnit.MILLISECONDS);
    }

    public void emitAccepted(Command command) {
        delivered.increment();
        emit(new CommandEvent.Accepted(command.commandId(), command.nodeId(), System.currentTimeMillis()));
    }

    public void emitUndeliverable(Command command, String reason) {
        undeliverable.increment();
        emit(new CommandEvent.Undeliverable(command.commandId(), command.nodeId(), System.currentTimeMillis(), reason));
    }

    private void emit(CommandEvent event) {
        producer.send(producer.record(commandEventsTopic, event.nodeId().toString(), events.encode(event), event.ts()))
                .whenComplete((ok, e) -> {
                    if (e != null) {
                        LOG.warn("could not publish {} for command {}: {}", event.getClass().getSimpleName(),
                                event.commandId(), e.toString());
                    }
                });
    }

    @PreDestroy
    @Override
    public void close() {
        running = false;
        decider.wakeup();
        delivery.close();
        timer.shutdownNow();
        try {
            deciderThread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
