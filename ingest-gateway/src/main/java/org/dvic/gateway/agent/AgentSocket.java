package org.dvic.gateway.agent;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.server.netty.NettyHttpRequest;
import io.micronaut.websocket.CloseReason;
import io.micronaut.websocket.WebSocketSession;
import io.micronaut.websocket.annotation.OnClose;
import io.micronaut.websocket.annotation.OnError;
import io.micronaut.websocket.annotation.OnMessage;
import io.micronaut.websocket.annotation.OnOpen;
import io.micronaut.websocket.annotation.ServerWebSocket;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.dvic.gateway.config.GatewaySettings;
import org.dvic.gateway.config.TopicSettings;
import org.dvic.gateway.kafka.EventProducer;
import org.dvic.gateway.registry.KnownNode;
import org.dvic.gateway.registry.NodeRegistry;
import org.dvic.gateway.reject.Redaction;
import org.dvic.gateway.reject.RejectReason;
import org.dvic.gateway.reject.Rejections;
import org.dvic.gateway.reject.TokenBucket;
import org.dvic.protocol.event.NodeEvent;
import org.dvic.protocol.event.SessionClosed;
import org.dvic.protocol.event.SessionEvent;
import org.dvic.protocol.event.SessionOpened;
import org.dvic.protocol.identity.ConnectToken;
import org.dvic.protocol.identity.InvalidTokenException;
import org.dvic.protocol.json.EventCodec;
import org.dvic.protocol.json.ProtocolException;
import org.dvic.protocol.json.ProtocolJson;
import org.dvic.protocol.topic.Topics;
import org.dvic.protocol.wire.AgentBatch;
import org.dvic.protocol.wire.CloseCode;
import org.dvic.protocol.wire.ServerFrame;
import org.dvic.protocol.wire.WireCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code WS /v1/agent}: the agent's one socket. The connect token comes in the upgrade request's
 * {@code Authorization: Bearer dvic1...} header; a refused token closes the socket with a
 * {@link CloseCode} right after the upgrade. Batches go to Kafka through the shared producer and
 * are acked (cumulatively, in order) only when every record is acknowledged. Invalid frames get an
 * error frame and are recorded in {@code dvic.rejected}; the socket stays open.
 */
@ServerWebSocket("/v1/agent")
public class AgentSocket {
    private static final Logger LOG = LoggerFactory.getLogger(AgentSocket.class);
    private static final String CONNECTION = "dvic.connection";

    private final ConnectAuthenticator authenticator;
    private final NodeRegistry registry;
    private final AgentConnections connections;
    private final EventProducer producer;
    private final Rejections rejections;
    private final WireCodec wire;
    private final EventCodec events;
    private final ProtocolJson json;
    private final GatewaySettings settings;
    private final TopicSettings topics;
    private final String sessionsTopic;
    private final Set<AgentConnection> paused = ConcurrentHashMap.newKeySet();
    private final Counter eventsIn;
    private final Counter batchesIn;
    private final Counter acks;
    private final Counter opened;
    private final Timer ackLatency;
    private volatile boolean draining;

    public AgentSocket(ConnectAuthenticator authenticator, NodeRegistry registry, AgentConnections connections,
                       EventProducer producer, Rejections rejections, WireCodec wire, EventCodec events,
                       ProtocolJson json, GatewaySettings settings, TopicSettings topics, MeterRegistry meters) {
        this.authenticator = authenticator;
        this.registry = registry;
        this.connections = connections;
        this.producer = producer;
        this.rejections = rejections;
        this.wire = wire;
        this.events = events;
        this.json = json;
        this.settings = settings;
        this.topics = topics;
        this.sessionsTopic = topics.name(Topics.SESSIONS);
        this.eventsIn = Counter.builder("dvic.gateway.events.in").description("events accepted from agents").register(meters);
        this.batchesIn = Counter.builder("dvic.gateway.batches.in").description("batches accepted from agents").register(meters);
        this.acks = Counter.builder("dvic.gateway.acks").description("ack frames sent to agents").register(meters);
        this.opened = Counter.builder("dvic.gateway.sessions.opened").description("agent sockets authenticated").register(meters);
        this.ackLatency = Timer.builder("dvic.gateway.produce.latency").description("batch received to all records acked by Kafka")
                .publishPercentiles(0.5, 0.99).register(meters);
        Gauge.builder("dvic.gateway.connections", connections, AgentConnections::size)
                .description("agent sockets open at this instance").register(meters);
        Gauge.builder("dvic.gateway.produce.in_flight", producer, EventProducer::inFlight)
                .description("records sent to Kafka and not yet acknowledged").register(meters);
        registry.onRevoked(this::revoked);
    }

    @OnOpen
    public void onOpen(HttpRequest<?> request, WebSocketSession session) {
        String remote = String.valueOf(request.getRemoteAddress());
        if (draining) {
            session.close(new CloseReason(CloseCode.GOING_AWAY.code(), CloseCode.GOING_AWAY.reason()));
            return;
        }
        if (!registry.loaded()) {
            session.close(new CloseReason(CloseCode.UNAVAILABLE.code(), "registry not loaded yet"));
            return;
        }
        String token = bearer(request.getHeaders().get("Authorization"));
        if (token == null) {
            rejections.reject(RejectReason.MISSING_CREDENTIALS, null, remote,
                    "no Authorization: Bearer <connect token> header", "");
            session.close(new CloseReason(CloseCode.MALFORMED_TOKEN.code(), CloseCode.MALFORMED_TOKEN.reason()));
            return;
        }
        KnownNode node;
        try {
            node = authenticator.authenticate(token);
        } catch (InvalidTokenException e) {
            UUID claimed = claimedNode(token);
            RejectReason reason = RejectReason.of(e.reason());
            rejections.reject(reason, claimed, remote, e.getMessage(), "");
            CloseCode code = closeCodeOf(e.reason());
            LOG.info("refused agent socket from {} (node {}): {}", remote, claimed, reason.code());
            session.close(new CloseReason(code.code(), code.reason()));
            return;
        }
        var channel = ((NettyHttpRequest<?>) request).getChannelHandlerContext().channel();
        AgentConnection connection = new AgentConnection(node.entry().nodeId(), remote, session, channel,
                new TokenBucket(settings.getEventsPerSecond(), settings.getEventBurst()));
        session.put(CONNECTION, connection);
        AgentConnection previous = connections.put(connection);
        if (previous != null) {
            // The close of the old socket goes to Kafka before the open of the new one (same key, same partition).
            previous.close(CloseCode.REPLACED, SessionClosed.CloseReason.CONNECTION_LOST, "replaced by a newer socket");
            publishClosed(previous);
        }
        publish(new SessionOpened(connection.nodeId(), connection.sessionId(), System.currentTimeMillis(),
                abbreviate(remote)));
        opened.increment();
        LOG.info("agent {} connected from {} (session {})", connection.nodeId(), remote, connection.sessionId());
        // A revocation read between authenticate() and connections.put() found no socket to close;
        // the registry is updated before its listeners run, so looking again after the put closes the gap.
        KnownNode now = registry.find(connection.nodeId());
        if (now == null || now.revoked()) {
            revoked(connection.nodeId());
        }
    }

    @OnMessage(maxPayloadLength = org.dvic.gateway.config.GatewaySettings.HARD_FRAME_LIMIT)
    public void onMessage(byte[] frame, WebSocketSession session) {
        AgentConnection c = session.get(CONNECTION, AgentConnection.class).orElse(null);
        if (c == null) {
            return; // refused at open; the close is under way
        }
        if (frame.length > settings.getMaxFrameBytes()) {
            refuse(c, RejectReason.FRAME_TOO_LARGE, "frame of " + frame.length + " bytes is over the limit of "
                    + settings.getMaxFrameBytes(), null, frame);
            return;
        }
        if (!Redaction.validUtf8(frame)) {
            refuse(c, RejectReason.INVALID_UTF8, "the frame is not valid UTF-8", null, frame);
            return;
        }
        AgentBatch batch;
        try {
            batch = wire.decodeBatch(frame);
        } catch (ProtocolException e) {
            refuse(c, RejectReason.of(e), e.getMessage(), seqOf(frame), frame);
            return;
        }
        for (NodeEvent event : batch.events()) {
            if (!event.nodeId().equals(c.nodeId())) {
                refuse(c, RejectReason.NODE_MISMATCH, "an event claims node " + event.nodeId()
                        + " but this socket belongs to " + c.nodeId(), batch.seq(), frame);
                return;
            }
        }
        if (!c.rate().tryTake(batch.events().size())) {
            refuse(c, RejectReason.RATE_LIMITED, "over " + (long) settings.getEventsPerSecond()
                    + " events/s; resend this batch later", batch.seq(), frame);
            return;
        }
        produce(c, batch);
    }

    private void produce(AgentConnection c, AgentBatch batch) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(batch.events().size());
        String key = c.nodeId().toString();
        byte[] session = c.sessionId().toString().getBytes(StandardCharsets.UTF_8);
        for (NodeEvent event : batch.events()) {
            var r = producer.record(topics.name(EventRouting.topicOf(event)), key, events.encode(event), event.ts());
            r.headers().add("dvic-session", session);
            records.add(r);
        }
        AgentConnection.Pending pending = c.enqueue(batch.seq());
        batchesIn.increment();
        eventsIn.increment(records.size());
        long t0 = System.nanoTime();
        producer.sendAll(records).whenComplete((ok, error) -> {
            ackLatency.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
            long ack = c.complete(pending, error);
            if (ack >= 0) {
                acks.increment();
                c.send("{\"ack\":" + ack + "}");
            } else if (ack == -2) {
                LOG.warn("agent {}: Kafka did not take batch {} ({}); closing so the agent resends",
                        c.nodeId(), batch.seq(), error.toString());
                sendError(c, "produce-failed", "Kafka did not acknowledge this batch; reconnect and resend", batch.seq());
                c.close(CloseCode.UNAVAILABLE, SessionClosed.CloseReason.CONNECTION_LOST, "produce failed");
            }
            resumePaused();
        });
        if (c.pendingCount() >= settings.getMaxPendingBatchesPerSocket()
                || producer.inFlight() >= settings.getMaxInFlightRecords()) {
            if (c.pause()) {
                paused.add(c);
                // Kafka may have completed every pending batch between the check above and the add,
                // and those completions found nothing to resume: look again, or this socket would
                // stay paused with nothing left to wake it (seen after a broker restart in ResilienceIT)
                resumePaused();
            }
        }
    }

    private void resumePaused() {
        if (paused.isEmpty() || producer.inFlight() >= settings.getMaxInFlightRecords() / 2) {
            return;
        }
        for (AgentConnection c : paused) {
            if (c.resumeIfBelow(settings.getMaxPendingBatchesPerSocket()) || !c.isOpen()) {
                paused.remove(c);
            }
        }
    }

    private void refuse(AgentConnection c, RejectReason reason, String message, Long seq, byte[] input) {
        rejections.reject(reason, c.nodeId(), c.remote(), message, input);
        sendError(c, reason.code(), message, seq);
    }

    private void sendError(AgentConnection c, String code, String message, Long seq) {
        String text = Redaction.excerpt(message, 1000);
        c.send(new String(wire.encode(new ServerFrame.ErrorFrame(code, text, seq)), StandardCharsets.UTF_8));
    }

    @OnClose
    public void onClose(CloseReason reason, WebSocketSession session) {
        AgentConnection c = session.get(CONNECTION, AgentConnection.class).orElse(null);
        if (c == null) {
            return;
        }
        session.remove(CONNECTION);
        paused.remove(c);
        if (c.closeReason() == null) {
            int code = reason.getCode();
            if (code == CloseReason.NORMAL.getCode() || code == CloseReason.GOING_AWAY.getCode()) {
                c.close(CloseCode.GOING_AWAY, SessionClosed.CloseReason.AGENT_CLOSED,
                        reason.getReason() == null || reason.getReason().isEmpty() ? null : reason.getReason());
            } else {
                c.close(CloseCode.GOING_AWAY, SessionClosed.CloseReason.CONNECTION_LOST, "close code " + code);
            }
        }
        if (connections.remove(c)) {
            publishClosed(c);
        }
        LOG.info("agent {} disconnected: {}", c.nodeId(), c.closeReason());
    }

    @OnError
    public void onError(Throwable error, WebSocketSession session) {
        AgentConnection c = session.get(CONNECTION, AgentConnection.class).orElse(null);
        LOG.info("agent socket {} error: {}", c == null ? session.getId() : c.nodeId(), error.toString());
        if (c != null && error instanceof io.netty.handler.codec.CorruptedFrameException) {
            rejections.reject(RejectReason.FRAME_TOO_LARGE, c.nodeId(), c.remote(), error.getMessage(), "");
        }
    }

    private void publishClosed(AgentConnection c) {
        publish(new SessionClosed(c.nodeId(), c.sessionId(), System.currentTimeMillis(), c.closeReason(),
                c.closeDetail()));
    }

    private void publish(SessionEvent event) {
        producer.send(producer.record(sessionsTopic, event.nodeId().toString(), events.encode(event), event.ts()))
                .whenComplete((ok, e) -> {
                    if (e != null) {
                        LOG.warn("could not publish {} for node {}: {}", event.getClass().getSimpleName(),
                                event.nodeId(), e.toString());
                    }
                });
    }

    private void revoked(UUID nodeId) {
        AgentConnection c = connections.get(nodeId);
        if (c != null) {
            LOG.info("agent {} revoked: closing its socket", nodeId);
            c.close(CloseCode.REVOKED, SessionClosed.CloseReason.REVOKED, "revoked in the registry");
        }
    }

    /**
     * Graceful stop: refuse new sockets, stop reading, wait (up to the grace) until every batch
     * already read is acked, then close every socket as "going away".
     */
    public void drain() {
        draining = true;
        for (AgentConnection c : connections.all()) {
            c.pause();
        }
        long deadline = System.nanoTime() + settings.getShutdownGrace().toNanos();
        while (System.nanoTime() < deadline && connections.all().stream().anyMatch(c -> c.pendingCount() > 0)) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (AgentConnection c : connections.all()) {
            c.close(CloseCode.GOING_AWAY, SessionClosed.CloseReason.GATEWAY_SHUTDOWN, "gateway shutting down");
            if (connections.remove(c)) {
                publishClosed(c);
            }
        }
    }

    private Long seqOf(byte[] frame) {
        try {
            var root = json.parse(frame);
            var seq = root.get("seq");
            return seq != null && seq.isIntegralNumber() && seq.canConvertToLong() && seq.asLong() >= 0 ? seq.asLong() : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String bearer(String header) {
        if (header == null) {
            return null;
        }
        String h = header.trim();
        if (h.length() > 7 && h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String t = h.substring(7).trim();
            return t.isEmpty() ? null : t;
        }
        return null;
    }

    private static UUID claimedNode(String token) {
        try {
            return ConnectToken.parse(token).nodeId();
        } catch (InvalidTokenException e) {
            return null;
        }
    }

    static CloseCode closeCodeOf(InvalidTokenException.Reason reason) {
        return switch (reason) {
            case MALFORMED -> CloseCode.MALFORMED_TOKEN;
            case BAD_SIGNATURE -> CloseCode.BAD_SIGNATURE;
            case CLOCK_SKEW -> CloseCode.CLOCK_SKEW;
            case UNKNOWN_NODE -> CloseCode.UNKNOWN_NODE;
            case REVOKED -> CloseCode.REVOKED;
            case REPLAYED -> CloseCode.REPLAYED;
        };
    }

    private static String abbreviate(String s) {
        return s.length() <= 256 ? s : s.substring(0, 256);
    }
}
