package org.dvic.agent.connection;

import org.dvic.agent.spool.Spool;
import org.dvic.protocol.event.Command;
import org.dvic.protocol.identity.ConnectToken;
import org.dvic.protocol.json.ProtocolException;
import org.dvic.protocol.wire.CloseCode;
import org.dvic.protocol.wire.ServerFrame;
import org.dvic.protocol.wire.AgentCodec;

import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The agent's one socket to the gateway ({@code WS /v1/agent}, {@code Authorization: Bearer
 * <connect token>}, a fresh token per attempt). One thread sends what the spool holds as batches
 * ({@code {"v":1,"seq":N,"events":[...]}}), keeping a window of unacked batches; acks free the
 * spool. After any disconnect it reconnects with exponential back-off and jitter and resends
 * everything after the last ack, so nothing is lost and the gateway sees seqs in order.
 *
 * <p>Error frames: a refused batch is not acked; {@code rate-limited} and {@code produce-failed}
 * batches are resent after a back-off; a batch refused for its content is resent one event per
 * batch, so only the event at fault is given up (and reported).
 */
public final class GatewayConnection implements Closeable {
    private static final Logger LOG = Logger.getLogger(GatewayConnection.class.getName());
    private static final Set<String> RETRYABLE = Set.of("rate-limited", "produce-failed", "frame-too-large");
    /** Commands and acks are small; the gateway's own frame limit is 1 MB. */
    private static final int MAX_SERVER_MESSAGE_BYTES = 1024 * 1024;

    /** Connection tunables; see the README for their keys. */
    public record Settings(URI endpoint, UUID nodeId, PrivateKey key, Duration connectTimeout, Duration ackTimeout,
                           long backoffInitialMs, long backoffMaxMs, long refusedBackoffMs,
                           int batchMaxEvents, int batchMaxBytes, int windowBatches, long lingerMs) {
    }

    /** What the connection tells the rest of the agent. */
    public interface Listener {
        default void connected() {
        }

        /** The first ack of a session: the gateway takes our events. */
        default void confirmed() {
        }

        default void disconnected(int code, String reason) {
        }

        /** Events the gateway refused for their content and that were given up. */
        default void eventsRefused(long firstSeq, long lastSeq, String code, String message) {
        }
    }

    private final Settings settings;
    private final Spool spool;
    private final AgentCodec codec;
    private final Consumer<Command> commands;
    private final Listener listener;
    private final SecureRandom random = new SecureRandom();
    private final Backoff backoff;
    private final ScheduledFuture<?> writeWatch;
    private final Object lock = new Object();
    private final Thread thread;
    private final ArrayDeque<InFlight> inflight = new ArrayDeque<>();

    private volatile boolean running = true;
    private Session session;
    private long sentUpTo;
    private long ackCeiling = Long.MAX_VALUE;
    /** The sender waits out its linger: appends need not wake it (guarded by lock). */
    private boolean lingering;
    /** Something an operator watches live was spooled: the next batch goes without linger (guarded by lock). */
    private boolean urgent;
    private long splitThrough = -1;
    private boolean resendSoon;
    private volatile long batchesSent;
    private volatile long acksReceived;
    private volatile long sessions;
    private volatile boolean connected;
    private long lastSendNanos;

    private static final class InFlight {
        final long first;
        final long last;
        final int count;
        final long sentNanos;
        boolean refused;

        InFlight(long first, long last, int count, long sentNanos) {
            this.first = first;
            this.last = last;
            this.count = count;
            this.sentNanos = sentNanos;
        }
    }

    /** {@code timers} checks once a second that no write to the gateway is stuck (see {@link #abortStuckWrite}). */
    public GatewayConnection(Settings settings, Spool spool, AgentCodec codec, Consumer<Command> commands,
                             Listener listener, ScheduledExecutorService timers) {
        this.settings = settings;
        this.spool = spool;
        this.codec = codec;
        this.commands = commands;
        this.listener = listener;
        this.backoff = new Backoff(settings.backoffInitialMs(), settings.backoffMaxMs(), random);
        this.thread = daemon(this::run, "dvic-sender");
        this.writeWatch = timers.scheduleWithFixedDelay(this::abortStuckWrite, 1, 1, TimeUnit.SECONDS);
        spool.addAppendListener(this::wake);
    }

    /**
     * A blocking write waits while the gateway does not read (its socket buffer full): past the
     * ack timeout the session is aborted, which ends the write, and the sender reconnects.
     */
    private void abortStuckWrite() {
        Session s;
        synchronized (lock) {
            s = session;
        }
        WebSocketSession ws = s == null ? null : s.ws;
        long started = ws == null ? 0 : ws.writeStartedNanos();
        if (started != 0 && System.nanoTime() - started > settings.ackTimeout().toNanos()) {
            LOG.warning("a write to the gateway is stuck for over " + settings.ackTimeout().toMillis()
                    + " ms; reconnecting");
            s.abort();
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(null, r, name, 256 * 1024);
        t.setDaemon(true);
        return t;
    }

    public void start() {
        thread.start();
    }

    public boolean isConnected() {
        return connected;
    }

    public long batchesSent() {
        return batchesSent;
    }

    public long acksReceived() {
        return acksReceived;
    }

    public long sessions() {
        return sessions;
    }

    /** Sends what the spool holds without waiting out the linger (command output: an operator is watching). */
    public void sendSoon() {
        synchronized (lock) {
            urgent = true;
            lock.notifyAll();
        }
    }

    /** Called after every spool append: wakes the sender, unless it lingers anyway and the batch is not full. */
    private void wake() {
        synchronized (lock) {
            if (!lingering || spool.lastSeq() - sentUpTo >= settings.batchMaxEvents()) {
                lock.notifyAll();
            }
        }
    }

    private void run() {
        boolean quiet = false;
        while (running) {
            long delay;
            Session s = connect(quiet);
            if (s == null) {
                delay = backoff.nextDelayMs();
                quiet = backoff.attempts() > 3; // log the first failures, then only successes
            } else {
                quiet = false;
                sessions++;
                connected = true;
                listener.connected();
                try {
                    sendLoop(s);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "gateway session failed", e);
                    s.abort();
                }
                connected = false;
                listener.disconnected(s.closeCode, s.closeReason);
                delay = delayAfter(s);
            }
            if (!running) {
                return;
            }
            sleep(delay);
        }
    }

    private long delayAfter(Session s) {
        if (s.acked) {
            backoff.reset();
        }
        CloseCode code = CloseCode.of(s.closeCode);
        if (code != null && !code.retry()) {
            LOG.warning("gateway refused this node (" + code.reason() + "); retrying in "
                    + settings.refusedBackoffMs() / 1000 + " s");
            return settings.refusedBackoffMs() / 2 + (long) (random.nextDouble() * settings.refusedBackoffMs() / 2);
        }
        if (s.resendNow) {
            return 50;
        }
        return backoff.nextDelayMs();
    }

    private void sleep(long ms) {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        synchronized (lock) {
            long left;
            while (running && (left = end - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private Session connect(boolean quiet) {
        String token = ConnectToken.create(settings.nodeId(), settings.key(), Instant.now(), random);
        Session s = new Session();
        try {
            s.ws = WebSocketSession.connect(settings.endpoint(), Map.of("Authorization", "Bearer " + token),
                    settings.connectTimeout(), MAX_SERVER_MESSAGE_BYTES, random, s);
        } catch (IOException | RuntimeException e) {
            if (!quiet) {
                LOG.info("cannot connect to " + settings.endpoint() + ": " + e);
            }
            return null;
        }
        synchronized (lock) {
            session = s;
            inflight.clear();
            sentUpTo = spool.acked();
            ackCeiling = Long.MAX_VALUE;
        }
        LOG.info("connected to " + settings.endpoint() + "; resending after seq " + spool.acked());
        return s;
    }

    private void sendLoop(Session s) throws InterruptedException {
        while (running) {
            long after;
            int maxEvents;
            synchronized (lock) {
                if (s.closed) {
                    return;
                }
                processRefusedHead();
                boolean room = inflight.size() < settings.windowBatches();
                boolean more = spool.lastSeq() > sentUpTo;
                if (!room || !more) {
                    InFlight oldest = inflight.peekFirst();
                    if (oldest != null && System.nanoTime() - oldest.sentNanos > settings.ackTimeout().toNanos()) {
                        LOG.warning("no ack for batch " + oldest.last + " within " + settings.ackTimeout().toMillis()
                                + " ms; reconnecting");
                        s.abort();
                        return;
                    }
                    lock.wait(oldest == null ? 5000 : 1000);
                    continue;
                }
                // linger: a demo flushing every 100 ms and metrics every second make many tiny appends;
                // waiting a little after the previous send gathers them into one batch (one frame, one ack)
                long sinceLast = System.nanoTime() - lastSendNanos;
                long linger = TimeUnit.MILLISECONDS.toNanos(settings.lingerMs());
                if (!urgent && sinceLast < linger && spool.lastSeq() - sentUpTo < settings.batchMaxEvents()) {
                    lingering = true;
                    try {
                        TimeUnit.NANOSECONDS.timedWait(lock, linger - sinceLast);
                    } finally {
                        lingering = false;
                    }
                    continue;
                }
                urgent = false;
                after = sentUpTo;
                maxEvents = after < splitThrough ? 1 : settings.batchMaxEvents();
            }
            List<Spool.Entry> entries = spool.read(after, maxEvents, settings.batchMaxBytes());
            if (entries.isEmpty()) {
                synchronized (lock) {
                    // acked or dropped under us: skip to what the spool still holds
                    if (sentUpTo == after) {
                        sentUpTo = Math.max(after, spool.acked());
                        if (sentUpTo == after) {
                            lock.wait(200);
                        }
                    }
                }
                continue;
            }
            long first = entries.get(0).seq();
            long last = entries.get(entries.size() - 1).seq();
            ByteBuffer frame = frame(last, entries);
            synchronized (lock) {
                if (s.closed) {
                    return;
                }
                lastSendNanos = System.nanoTime();
                inflight.addLast(new InFlight(first, last, entries.size(), lastSendNanos));
                sentUpTo = last;
            }
            try {
                s.ws.sendBinary(frame);
                batchesSent++;
            } catch (IOException e) {
                LOG.info("send failed: " + e);
                s.abort();
                return;
            }
        }
    }

    /**
     * The batch as one binary frame of UTF-8 JSON, assembled from the spooled bytes as they are: a
     * text frame would have to be checked as UTF-8 on the way (a text frame made the JDK client
     * decode and re-encode every character). The gateway reads both kinds alike.
     */
    static ByteBuffer frame(long last, List<Spool.Entry> entries) {
        byte[] head = ("{\"v\":1,\"seq\":" + last + ",\"events\":[").getBytes(StandardCharsets.US_ASCII);
        int size = head.length + 2;
        for (Spool.Entry e : entries) {
            size += e.payload().length + 1;
        }
        ByteBuffer b = ByteBuffer.allocate(size);
        b.put(head);
        for (int i = 0; i < entries.size(); i++) {
            if (i > 0) {
                b.put((byte) ',');
            }
            b.put(entries.get(i).payload());
        }
        b.put((byte) ']').put((byte) '}');
        return b.flip();
    }

    /** Handles one server frame; called on the session's reader thread. */
    private void onFrame(Session s, byte[] utf8) {
        ServerFrame frame;
        try {
            frame = codec.decodeServerFrame(utf8);
        } catch (ProtocolException e) {
            LOG.warning("unreadable frame from the gateway: " + e.getMessage());
            return;
        }
        if (frame instanceof ServerFrame.Ack ack) {
            onAck(s, ack.ack());
        } else if (frame instanceof ServerFrame.CommandDelivery delivery) {
            try {
                commands.accept(delivery.command());
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "command handler failed", e);
            }
        } else if (frame instanceof ServerFrame.ErrorFrame error) {
            onError(s, error);
        }
    }

    private void onAck(Session s, long ack) {
        boolean first;
        synchronized (lock) {
            if (session != s) {
                return;
            }
            long n = Math.min(Math.min(ack, ackCeiling), sentUpTo);
            if (n > spool.acked()) {
                spool.ack(n);
            }
            while (!inflight.isEmpty() && inflight.peekFirst().last <= n) {
                inflight.removeFirst();
            }
            processRefusedHead();
            acksReceived++;
            first = !s.acked;
            s.acked = true;
            lock.notifyAll();
        }
        if (first) {
            listener.confirmed();
        }
    }

    private void onError(Session s, ServerFrame.ErrorFrame error) {
        LOG.warning("gateway error " + error.code() + (error.seq() == null ? "" : " for batch " + error.seq())
                + ": " + error.message());
        if (error.seq() == null) {
            return;
        }
        InFlight refused = null;
        synchronized (lock) {
            if (session != s) {
                return;
            }
            for (InFlight f : inflight) {
                if (f.last == error.seq()) {
                    refused = f;
                }
            }
            if (refused == null) {
                return;
            }
            boolean retry = RETRYABLE.contains(error.code());
            if (!retry && refused.count == 1) {
                refused.refused = true;
                processRefusedHead();
                lock.notifyAll();
            } else {
                // later batches' acks would cover this one: cap acks below it and resend from there
                ackCeiling = Math.min(ackCeiling, refused.first - 1);
                if (!retry) {
                    splitThrough = Math.max(splitThrough, refused.last);
                    s.resendNow = true;
                }
                s.abort();
            }
        }
        if (refused.refused) {
            listener.eventsRefused(refused.first, refused.last, error.code(), error.message());
        }
    }

    /** A refused single-event batch at the head of the window is given up: ack it locally. */
    private void processRefusedHead() {
        while (!inflight.isEmpty() && inflight.peekFirst().refused) {
            InFlight f = inflight.removeFirst();
            if (f.last > spool.acked()) {
                spool.ack(f.last);
            }
        }
    }

    @Override
    public void close() {
        running = false;
        Session s;
        synchronized (lock) {
            s = session;
            lock.notifyAll();
        }
        writeWatch.cancel(false);
        try {
            if (s != null && s.ws != null && !s.closed) {
                try {
                    s.ws.sendClose(WebSocketSession.NORMAL_CLOSURE, "agent stopping");
                    s.ws.awaitEnd(Duration.ofSeconds(2));
                } catch (IOException e) {
                    // the socket is gone already
                }
                s.abort();
            }
            thread.join(3000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One WebSocket session and what the connection knows of it. */
    private final class Session implements WebSocketSession.Listener {
        volatile WebSocketSession ws;
        volatile boolean closed;
        volatile boolean acked;
        volatile boolean resendNow;
        volatile int closeCode = -1;
        volatile String closeReason = "";

        @Override
        public void onMessage(byte[] utf8) {
            onFrame(this, utf8);
        }

        @Override
        public void onClosed(int code, String reason) {
            closeCode = code;
            closeReason = reason;
            LOG.info(code < 0 ? "socket ended: " + reason
                    : "gateway closed the socket: " + code + (reason.isEmpty() ? "" : " " + reason));
            ended();
        }

        void abort() {
            WebSocketSession w = ws;
            if (w != null) {
                w.abort();
            }
            ended();
        }

        private void ended() {
            synchronized (lock) {
                closed = true;
                lock.notifyAll();
            }
        }
    }
}
