package org.dvic.relay.command;

import io.micronaut.context.annotation.Context;
import jakarta.annotation.PreDestroy;
import org.dvic.protocol.event.Command;
import org.dvic.protocol.event.CommandEvent;
import org.dvic.protocol.json.EventCodec;
import org.dvic.protocol.topic.Topics;
import org.dvic.relay.fleet.FleetState;
import org.dvic.relay.fleet.NodeView;
import org.dvic.relay.kafka.RelayProducer;
import org.dvic.store.CommandQueueRepository;
import org.dvic.store.CommandQueueRepository.Queued;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Commands an operator asked to queue for an offline node, kept in Cassandra ({@code command_queue})
 * until the node is ONLINE (then written to {@code dvic.commands}) or the deadline passes (then
 * {@code command-expired} on {@code dvic.command-events}, which the audit records). Durable: a
 * relay restart loses nothing, and any relay instance may deliver a command another one took;
 * a conditional delete in Cassandra picks the one instance that sends or expires it.
 * Delivery is immediate on a node's ONLINE transition; a sweep every {@link #SWEEP_SECONDS} s
 * expires what is due and delivers what a transition did not (a restart, another instance).
 */
@Context
public final class CommandQueue implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CommandQueue.class);
    static final int SWEEP_SECONDS = 2;

    private final RelayProducer producer;
    private final CommandQueueRepository store;
    private final EventCodec codec;
    private final FleetState fleet;
    private volatile int size;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "dvic-relay-command-queue");
        t.setDaemon(true);
        return t;
    });

    public CommandQueue(RelayProducer producer, CommandQueueRepository store, EventCodec codec, FleetState fleet,
                        org.dvic.relay.config.SettingsCheck checked) {
        this.producer = producer;
        this.store = store;
        this.codec = codec;
        this.fleet = fleet;
        timer.scheduleWithFixedDelay(this::sweep, 1, SWEEP_SECONDS, TimeUnit.SECONDS);
    }

    /**
     * Stores the command for its offline node before the operator is told it is queued.
     *
     * @throws IllegalStateException when Cassandra did not take it (nothing is queued then)
     */
    public void hold(Command command) {
        Queued q = new Queued(command.nodeId(), command.commandId(), command.expiresAt(), codec.encodeToString(command));
        try {
            store.add(q, System.currentTimeMillis()).toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (Exception e) {
            throw new IllegalStateException("the command queue could not store the command: " + e, e);
        }
        // the node may have come back between the caller's status check and now
        if (online(command.nodeId())) {
            nodeOnline(command.nodeId());
        }
    }

    /** Commands queued at the last sweep (all instances). */
    public int size() {
        return size;
    }

    /** Called by the feed when a node's status turns ONLINE. */
    public void nodeOnline(UUID nodeId) {
        timer.execute(() -> {
            try {
                for (Queued q : store.forNode(nodeId)) {
                    dispatch(q, System.currentTimeMillis());
                }
            } catch (RuntimeException e) {
                LOG.warn("queued commands for node {} not read: {}", nodeId, e.toString());
            }
        });
    }

    private void sweep() {
        try {
            List<Queued> all = store.all();
            size = all.size();
            long now = System.currentTimeMillis();
            for (Queued q : all) {
                if (q.expiresAt() < now || online(q.nodeId())) {
                    dispatch(q, now);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("command queue sweep failed: {}", e.toString());
        }
    }

    /** Expires or sends one queued command, if this instance is the one that claims it. */
    private void dispatch(Queued q, long now) {
        if (!claim(q)) {
            return; // delivered or expired already, perhaps by another instance
        }
        if (q.expiresAt() < now) {
            producer.send(Topics.COMMAND_EVENTS, q.nodeId(), new CommandEvent.Expired(q.commandId(), q.nodeId(), now), now);
            LOG.info("queued command {} for node {} expired", q.commandId(), q.nodeId());
            return;
        }
        Command c = codec.decode(q.command().getBytes(java.nio.charset.StandardCharsets.UTF_8), Command.class);
        producer.send(Topics.COMMANDS, c.nodeId(), c, now).whenComplete((ok, e) -> {
            if (e == null) {
                LOG.info("queued command {} sent to node {}", c.commandId(), c.nodeId());
                return;
            }
            // back in the queue: the next sweep tries again (or expires it)
            LOG.warn("queued command {} for node {} not sent ({}); queued again", c.commandId(), c.nodeId(), e.toString());
            store.add(q, System.currentTimeMillis());
        });
    }

    private boolean claim(Queued q) {
        try {
            return store.claim(q.nodeId(), q.commandId()).toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            LOG.warn("queued command {} not claimed: {}", q.commandId(), e.toString());
            return false;
        }
    }

    private boolean online(UUID nodeId) {
        return fleet.find(nodeId).map(NodeView::online).orElse(false);
    }

    @PreDestroy
    @Override
    public void close() {
        timer.shutdownNow();
    }
}
