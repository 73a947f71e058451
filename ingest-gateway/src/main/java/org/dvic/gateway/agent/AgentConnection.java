package org.dvic.gateway.agent;

import io.micronaut.websocket.CloseReason;
import io.micronaut.websocket.WebSocketSession;
import io.netty.channel.Channel;
import org.dvic.gateway.reject.TokenBucket;
import org.dvic.protocol.event.SessionClosed;
import org.dvic.protocol.wire.CloseCode;

import java.util.ArrayDeque;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * One authenticated agent socket: its node, its rate budget, and the batches sent to Kafka but not
 * yet acked to the agent, in arrival order. Acks are cumulative, so a batch is acked only when it
 * and every batch before it are in Kafka; a failed batch is never acked and ends the socket (the
 * agent reconnects and resends from its spool).
 */
public final class AgentConnection {
    private final UUID nodeId;
    private final UUID sessionId = UUID.randomUUID();
    private final String remote;
    private final WebSocketSession session;
    private final Channel channel;
    private final TokenBucket rate;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private volatile SessionClosed.CloseReason closeReason;
    private volatile String closeDetail;
    private boolean failed;
    private boolean paused;

    AgentConnection(UUID nodeId, String remote, WebSocketSession session, Channel channel, TokenBucket rate) {
        this.nodeId = nodeId;
        this.remote = remote;
        this.session = session;
        this.channel = channel;
        this.rate = rate;
    }

    public UUID nodeId() {
        return nodeId;
    }

    public UUID sessionId() {
        return sessionId;
    }

    public String remote() {
        return remote;
    }

    public WebSocketSession session() {
        return session;
    }

    TokenBucket rate() {
        return rate;
    }

    public boolean isOpen() {
        return session.isOpen();
    }

    /** Sends a text frame; never blocks. */
    public CompletableFuture<String> send(String frame) {
        return session.sendAsync(frame);
    }

    /** Closes with our own reason, remembered for the session-closed event. */
    public void close(CloseCode code, SessionClosed.CloseReason reason, String detail) {
        if (closeReason == null) {
            closeReason = reason;
            closeDetail = detail;
        }
        if (session.isOpen()) {
            session.close(new CloseReason(code.code(), code.reason()));
        }
    }

    SessionClosed.CloseReason closeReason() {
        return closeReason;
    }

    String closeDetail() {
        return closeDetail;
    }

    synchronized Pending enqueue(long seq) {
        Pending p = new Pending(seq);
        pending.addLast(p);
        return p;
    }

    synchronized int pendingCount() {
        return pending.size();
    }

    /**
     * Marks a batch done; returns the seq to ack (the last of the completed prefix), -1 if nothing
     * can be acked yet, or -2 if the batch failed and the socket must end.
     */
    synchronized long complete(Pending p, Throwable error) {
        if (failed) {
            return -1;
        }
        if (error != null) {
            failed = true;
            return -2;
        }
        p.done = true;
        long ack = -1;
        while (!pending.isEmpty() && pending.peekFirst().done) {
            ack = pending.pollFirst().seq;
        }
        return ack;
    }

    /** Stops reading from the socket (backpressure); returns true if it was reading. */
    synchronized boolean pause() {
        if (paused) {
            return false;
        }
        paused = true;
        channel.config().setAutoRead(false);
        return true;
    }

    synchronized boolean resumeIfBelow(int maxPending) {
        if (!paused || pending.size() >= maxPending) {
            return false;
        }
        paused = false;
        channel.config().setAutoRead(true);
        channel.read();
        return true;
    }

    synchronized boolean paused() {
        return paused;
    }

    static final class Pending {
        final long seq;
        boolean done;

        Pending(long seq) {
            this.seq = seq;
        }
    }
}
