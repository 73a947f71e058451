package org.dvic.agent.connection;

import org.dvic.agent.spool.Spool;
import org.dvic.protocol.event.Command;
import org.dvic.protocol.identity.ConnectToken;
import org.dvic.protocol.json.ProtocolException;
import org.dvic.protocol.wire.CloseCode;
import org.dvic.protocol.wire.ServerFrame;
import org.dvic.protocol.wire.WireCodec;

import java.io.Closeable;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
    private final WireCodec wire;
    private final Consumer<Command> commands;
    private final Listener listener;
    private final SecureRandom random = new SecureRandom();
    private final Backoff backoff;
    private final ExecutorService clientExecutor;
    private final HttpClient client;
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

    public GatewayConnection(Settings settings, Spool spool, WireCodec wire, Consumer<Command> commands,
                             Listener listener) {
        this.settings = settings;
        this.spool = spool;
        this.wire = wire;
        this.commands = commands;
        this.listener = listener;
        this.backoff = new Backoff(settings.backoffInitialMs(), settings.backoffMaxMs(), random);
        this.clientExecutor = Executors.newSingleThreadExecutor(r -> daemon(r, "dvic-ws-client"));
        HttpClient.Builder builder = HttpClient.newBuilder().executor(clientExecutor)
                .connectTimeout(settings.connectTimeout());
        if ("ws".equalsIgnoreCase(settings.endpoint().getScheme())) {
            builder.sslContext(noTls()); // else the client loads the JDK's trust store for nothing
        }
        this.client = builder.build();
        this.thread = daemon(this::run, "dvic-sender");
        spool.addAppendListener(this::wake);
    }

    /**
     * For a plain {@code ws://} gateway no TLS handshake ever happens; this context (no key or
     * trust managers: it could verify nothing) stands in for the JDK default, whose trust store
     * costs the agent a few MB of classes and certificates. {@code wss://} uses the default.
     */
    private static javax.net.ssl.SSLContext noTls() {
        try {
            javax.net.ssl.SSLContext c = javax.net.ssl.SSLContext.getInstance("TLS");
            c.init(new javax.net.ssl.KeyManager[0], new javax.net.ssl.TrustManager[0], null);
            return c;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
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
            CompletableFuture<WebSocket> f = client.newWebSocketBuilder()
                    .connectTimeout(settings.connectTimeout())
                    .header("Authorization", "Bearer " + token)
                    .buildAsync(settings.endpoint(), s);
            s.ws = f.get(settings.connectTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (Exception e) {
            if (!quiet) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                LOG.info("cannot connect to " + settings.endpoint() + ": " + cause);
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
                s.ws.sendBinary(frame, true).get(settings.ackTimeout().toMillis(), TimeUnit.MILLISECONDS);
                batchesSent++;
            } catch (Exception e) {
                LOG.info("send failed: " + (e.getCause() == null ? e : e.getCause()));
                s.abort();
                return;
            }
        }
    }

    /**
     * The batch as one binary frame of UTF-8 JSON, assembled from the spooled bytes as they are: a
     * text frame would make the JDK client decode and re-encode every character (most of the
     * agent's CPU at a few hundred lines per second). The gateway reads both kinds alike.
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

    /** Handles one server frame; called on the client's thread. */
    private void onFrame(Session s, String text) {
        ServerFrame frame;
        try {
            frame = wire.decodeServerFrame(text.getBytes(StandardCharsets.UTF_8));
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
        if (s != null && s.ws != null && !s.closed) {
            try {
                s.ws.sendClose(WebSocket.NORMAL_CLOSURE, "agent stopping").get(2, TimeUnit.SECONDS);
            } catch (Exception e) {
                s.abort();
            }
        }
        try {
            thread.join(3000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        clientExecutor.shutdownNow();
    }

    /** One WebSocket session and its listener. */
    private final class Session implements WebSocket.Listener {
        volatile WebSocket ws;
        volatile boolean closed;
        volatile boolean acked;
        volatile boolean resendNow;
        volatile int closeCode = -1;
        volatile String closeReason = "";
        private final StringBuilder partial = new StringBuilder();

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                onFrame(this, text);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeCode = statusCode;
            closeReason = reason;
            LOG.info("gateway closed the socket: " + statusCode + (reason.isEmpty() ? "" : " " + reason));
            ended();
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            LOG.info("socket error: " + error);
            ended();
        }

        void abort() {
            WebSocket w = ws;
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
