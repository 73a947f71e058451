package org.dvic.relay.live;

import io.micronaut.websocket.CloseReason;
import io.micronaut.websocket.WebSocketSession;
import org.dvic.relay.auth.Principal;

import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One dashboard socket: its operator, subscriptions, terminals, and a bounded outgoing buffer.
 * Fan-out only ever calls {@link #offer}, which never blocks: messages wait in the buffer while up
 * to {@link #WINDOW} writes are in flight on the socket; when the buffer is full the client is too
 * slow and is closed with a reason, and nothing else is slowed.
 */
public final class LiveClient {
    static final int WINDOW = 32;

    private final WebSocketSession session;
    private final String cookie;
    private volatile Principal principal;
    private final int capacity;
    private final Queue<String> buffer = new ConcurrentLinkedQueue<>();
    private final AtomicInteger buffered = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Consumer<LiveClient> onOverflow;
    final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();
    /** terminalId to the request id of its {@code terminal-open}. */
    final Map<UUID, Terminal> terminals = new ConcurrentHashMap<>();

    record Terminal(UUID terminalId, UUID nodeId, String requestId) {
    }

    LiveClient(WebSocketSession session, Principal principal, String cookie, int capacity,
               Consumer<LiveClient> onOverflow) {
        this.session = session;
        this.principal = principal;
        this.cookie = cookie;
        this.capacity = capacity;
        this.onOverflow = onOverflow;
    }

    public Principal principal() {
        return principal;
    }

    void principal(Principal p) {
        this.principal = p;
    }

    String cookie() {
        return cookie;
    }

    WebSocketSession session() {
        return session;
    }

    boolean isClosed() {
        return closed.get();
    }

    int buffered() {
        return buffered.get();
    }

    /** Queues a message; false (and the client is being closed) when its buffer is full. */
    boolean offer(String message) {
        if (closed.get()) {
            return false;
        }
        if (buffered.incrementAndGet() > capacity) {
            buffered.decrementAndGet();
            onOverflow.accept(this);
            return false;
        }
        buffer.add(message);
        drain();
        return true;
    }

    private void drain() {
        while (true) {
            if (!draining.compareAndSet(false, true)) {
                return;
            }
            try {
                while (inFlight.get() < WINDOW && !closed.get()) {
                    String next = buffer.poll();
                    if (next == null) {
                        break;
                    }
                    buffered.decrementAndGet();
                    inFlight.incrementAndGet();
                    session.sendAsync(next).whenComplete((ok, error) -> {
                        inFlight.decrementAndGet();
                        if (error != null) {
                            close(CloseReason.INTERNAL_ERROR.getCode(), "send failed");
                        } else {
                            drain();
                        }
                    });
                }
            } finally {
                draining.set(false);
            }
            // A message added, or a write finished, between the loop's end and the flag's release.
            if (closed.get() || buffer.isEmpty() || inFlight.get() >= WINDOW) {
                return;
            }
        }
    }

    /** Sends a last message (best effort, bypassing the buffer) and closes. */
    void close(int code, String reason) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        buffer.clear();
        try {
            if (session.isOpen()) {
                session.sendAsync("{\"kind\":\"closing\",\"reason\":" + LiveMessages.quote(reason) + "}");
                session.close(new CloseReason(code, reason.length() > 100 ? reason.substring(0, 100) : reason));
            }
        } catch (RuntimeException e) {
            // the socket is going anyway
        }
    }
}
