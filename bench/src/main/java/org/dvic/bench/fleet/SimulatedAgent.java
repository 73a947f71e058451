package org.dvic.bench.fleet;

import org.dvic.protocol.identity.ConnectToken;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * One simulated agent's socket, speaking the real protocol: a freshly signed connect token in the
 * upgrade, batches of numbered events, cumulative acks. Sends are chained because a JDK WebSocket
 * takes one outstanding send at a time.
 */
public final class SimulatedAgent implements WebSocket.Listener {
    private static final SecureRandom RANDOM = new SecureRandom();

    final FleetIdentities.AgentIdentity id;
    final String node;
    private WebSocket socket;
    private CompletableFuture<?> chain = CompletableFuture.completedFuture(null);
    private final ArrayDeque<long[]> sent = new ArrayDeque<>(); // {batch seq, send nanos}
    private final StringBuilder partial = new StringBuilder();
    private long nextSeq = 1;
    private volatile long acked;
    volatile boolean open;
    volatile int closeCode;
    volatile LongConsumer ackLatencyNanos = n -> { };
    volatile Runnable onAck = () -> { };
    volatile Consumer<String> onOtherFrame = f -> { };
    private final CompletableFuture<Void> closedByPeer = new CompletableFuture<>();

    SimulatedAgent(FleetIdentities.AgentIdentity id) {
        this.id = id;
        this.node = id.nodeId().toString();
    }

    CompletableFuture<SimulatedAgent> connect(HttpClient client, URI uri) {
        String token = ConnectToken.create(id.nodeId(), id.key(), Instant.now(), RANDOM);
        return client.newWebSocketBuilder().header("Authorization", "Bearer " + token)
                .connectTimeout(Duration.ofSeconds(30)).buildAsync(uri, this).thenApply(ws -> {
                    socket = ws;
                    open = true;
                    return this;
                });
    }

    long nextSeq() {
        return nextSeq;
    }

    long acked() {
        return acked;
    }

    /** Outstanding events (sent, not acked). */
    synchronized long outstanding() {
        return (nextSeq - 1) - acked;
    }

    /** Builds a batch of {@code events} events with {@code event} (seq, ts) → JSON, and sends it. */
    synchronized void sendBatch(int events, EventJson event) {
        long ts = System.currentTimeMillis();
        StringBuilder sb = new StringBuilder(events * 230 + 40);
        long last = nextSeq + events - 1;
        sb.append("{\"v\":1,\"seq\":").append(last).append(",\"events\":[");
        for (int i = 0; i < events; i++) {
            if (i > 0) {
                sb.append(',');
            }
            event.append(sb, node, nextSeq++, ts);
        }
        sb.append("]}");
        sent.addLast(new long[]{last, System.nanoTime()});
        String frame = sb.toString();
        WebSocket ws = socket;
        chain = chain.thenCompose(v -> ws.sendText(frame, true)).exceptionally(e -> null);
    }

    synchronized void sendRaw(String frame) {
        WebSocket ws = socket;
        chain = chain.thenCompose(v -> ws.sendText(frame, true)).exceptionally(e -> null);
    }

    /**
     * A clean goodbye, as an agent stopped by systemd sends: the close frame goes after every frame
     * already queued, and this waits (briefly) until the gateway answered it, so the gateway has
     * seen a clean close (and records AGENT_CLOSED) before the process exits.
     */
    void close() {
        WebSocket ws;
        CompletableFuture<?> closing;
        synchronized (this) {
            ws = socket;
            if (ws == null || !open) {
                return;
            }
            closing = chain.thenCompose(v -> ws.sendClose(1000, "bye"));
            chain = closing.exceptionally(e -> null);
        }
        try {
            closing.thenCompose(v -> closedByPeer).get(2, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            // the connection is gone anyway; the gateway records CONNECTION_LOST
        }
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            String frame = partial.toString();
            partial.setLength(0);
            if (frame.startsWith("{\"ack\":")) {
                long ack = Long.parseLong(frame, 7, frame.length() - 1, 10);
                long now = System.nanoTime();
                synchronized (this) {
                    acked = Math.max(acked, ack);
                    while (!sent.isEmpty() && sent.peekFirst()[0] <= ack) {
                        ackLatencyNanos.accept(now - sent.pollFirst()[1]);
                    }
                }
                onAck.run();
            } else {
                onOtherFrame.accept(frame);
            }
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        open = false;
        closeCode = statusCode;
        closedByPeer.complete(null);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        open = false;
        closeCode = -1;
        closedByPeer.complete(null);
    }

    /** Appends one event's JSON. */
    public interface EventJson {
        void append(StringBuilder sb, String node, long seq, long ts);
    }

    /** A metric sample of about 200 bytes, like the agent's. */
    public static final EventJson METRIC = (sb, node, seq, ts) -> sb.append("{\"type\":\"metric\",\"v\":1,\"nodeId\":\"")
            .append(node).append("\",\"seq\":").append(seq).append(",\"ts\":").append(ts)
            .append(",\"values\":{\"cpu.total_pct\":").append(seq % 97).append(".5,\"mem.used_pct\":41.25,")
            .append("\"disk./.used_pct\":77.1,\"net.rx_bps\":").append(seq % 10007).append(".0}}");

    /** A demo log line of about 200 bytes. */
    public static final EventJson LOG = (sb, node, seq, ts) -> sb.append("{\"type\":\"log\",\"v\":1,\"nodeId\":\"")
            .append(node).append("\",\"seq\":").append(seq).append(",\"ts\":").append(ts)
            .append(",\"source\":\"demo:Q2hhbmdlTWUxMjM0NTY3\",\"level\":\"INFO\",\"message\":\"frame ")
            .append(seq).append(" processed in 12 ms\"}");

    public static final EventJson HEARTBEAT = (sb, node, seq, ts) -> sb.append("{\"type\":\"heartbeat\",\"v\":1,\"nodeId\":\"")
            .append(node).append("\",\"seq\":").append(seq).append(",\"ts\":").append(ts).append(",\"intervalMs\":1000}");

    /** Metric and log events alternating. */
    public static final EventJson MIXED = (sb, node, seq, ts) -> (seq % 2 == 0 ? METRIC : LOG).append(sb, node, seq, ts);
}
