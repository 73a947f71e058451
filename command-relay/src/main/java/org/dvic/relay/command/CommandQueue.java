package org.dvic.relay.command;

import io.micronaut.context.annotation.Context;
import jakarta.annotation.PreDestroy;
import org.dvic.protocol.event.Command;
import org.dvic.protocol.event.CommandEvent;
import org.dvic.protocol.topic.Topics;
import org.dvic.relay.kafka.RelayProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Commands an operator asked to queue for an offline node: held by the relay instance that took the
 * request until the node comes ONLINE (then written to {@code dvic.commands}) or the deadline
 * passes (then {@code command-expired} on {@code dvic.command-events}, which the audit records).
 * Held in this instance's memory: a restart of the instance expires nothing and delivers nothing
 * (the audit keeps the command as ISSUED); see README.
 */
@Context
public final class CommandQueue implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CommandQueue.class);

    private final RelayProducer producer;
    private final Map<UUID, List<Command>> waiting = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "dvic-relay-command-queue");
        t.setDaemon(true);
        return t;
    });

    public CommandQueue(RelayProducer producer, org.dvic.relay.config.SettingsCheck checked) {
        this.producer = producer;
        timer.scheduleWithFixedDelay(this::expire, 1, 1, TimeUnit.SECONDS);
    }

    public void hold(Command command) {
        waiting.computeIfAbsent(command.nodeId(), k -> new ArrayList<>()).add(command);
    }

    public int size() {
        return waiting.values().stream().mapToInt(List::size).sum();
    }

    /** Called by the feed when a node's status turns ONLINE. */
    public void nodeOnline(UUID nodeId) {
        List<Command> due = waiting.remove(nodeId);
        if (due == null) {
            return;
        }
        timer.execute(() -> {
            long now = System.currentTimeMillis();
            for (Command c : due) {
                if (c.expiresAt() < now) {
                    expired(c, now);
                } else {
                    producer.send(Topics.COMMANDS, c.nodeId(), c, now).whenComplete((ok, e) -> {
                        if (e != null) {
                            LOG.warn("queued command {} for node {} not sent: {}", c.commandId(), c.nodeId(), e.toString());
                        }
                    });
                }
            }
        });
    }

    private void expire() {
        long now = System.currentTimeMillis();
        waiting.forEach((node, list) -> waiting.computeIfPresent(node, (k, l) -> {
            l.removeIf(c -> {
                if (c.expiresAt() < now) {
                    expired(c, now);
                    return true;
                }
                return false;
            });
            return l.isEmpty() ? null : l;
        }));
    }

    private void expired(Command c, long now) {
        producer.send(Topics.COMMAND_EVENTS, c.nodeId(), new CommandEvent.Expired(c.commandId(), c.nodeId(), now), now);
        LOG.info("queued command {} for node {} expired", c.commandId(), c.nodeId());
    }

    @PreDestroy
    @Override
    public void close() {
        timer.shutdownNow();
    }
}
