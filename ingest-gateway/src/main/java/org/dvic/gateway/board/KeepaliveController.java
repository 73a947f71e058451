package org.dvic.gateway.board;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.dvic.gateway.command.BoardInbox;
import org.dvic.gateway.command.CommandRouter;
import org.dvic.gateway.config.GatewaySettings;
import org.dvic.gateway.config.TopicSettings;
import org.dvic.gateway.kafka.EventProducer;
import org.dvic.gateway.registry.KnownNode;
import org.dvic.gateway.registry.NodeRegistry;
import org.dvic.gateway.reject.Redaction;
import org.dvic.gateway.reject.RejectReason;
import org.dvic.gateway.reject.Rejections;
import org.dvic.gateway.reject.TokenBucket;
import org.dvic.protocol.event.Command;
import org.dvic.protocol.event.Heartbeat;
import org.dvic.protocol.event.MetricSample;
import org.dvic.protocol.identity.BoardTokens;
import org.dvic.protocol.json.EventCodec;
import org.dvic.protocol.json.ProtocolException;
import org.dvic.protocol.topic.Topics;
import org.dvic.protocol.wire.BoardKeepalive;
import org.dvic.protocol.wire.BoardKeepaliveReply;
import org.dvic.protocol.wire.ServerFrame;
import org.dvic.protocol.wire.WireCodec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code POST /v1/devices/{id}/keepalive}: an ESP32 board's proof of life with its readings. The
 * bearer token is checked against the SHA-256 in the registry in constant time. The keep-alive
 * becomes a heartbeat and (if it has readings) a metric sample; the answer (202) comes after Kafka
 * acknowledged both and carries the commands waiting for the board. Event seq of a board:
 * {@code boot << 32 | seq}, so a retried request overwrites itself downstream.
 */
@Controller("/v1/devices")
public class KeepaliveController {
    private final NodeRegistry registry;
    private final EventProducer producer;
    private final Rejections rejections;
    private final WireCodec wire;
    private final EventCodec events;
    private final BoardInbox inbox;
    private final CommandRouter commands;
    private final GatewaySettings settings;
    private final String heartbeats;
    private final String metrics;
    private final Map<UUID, TokenBucket> rates = new ConcurrentHashMap<>();
    private final Counter accepted;
    private final byte[] noCommands;

    public KeepaliveController(NodeRegistry registry, EventProducer producer, Rejections rejections, WireCodec wire,
                               EventCodec events, BoardInbox inbox, CommandRouter commands, GatewaySettings settings,
                               TopicSettings topics, MeterRegistry meters) {
        this.registry = registry;
        this.producer = producer;
        this.rejections = rejections;
        this.wire = wire;
        this.events = events;
        this.inbox = inbox;
        this.commands = commands;
        this.settings = settings;
        this.heartbeats = topics.name(Topics.HEARTBEATS);
        this.metrics = topics.name(Topics.METRICS);
        this.noCommands = wire.encode(new BoardKeepaliveReply(List.of()));
        this.accepted = Counter.builder("dvic.gateway.keepalives").description("board keep-alives accepted").register(meters);
    }

    @Post(uri = "/{id}/keepalive", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    public CompletableFuture<MutableHttpResponse<?>> keepalive(@PathVariable("id") String id,
                                                               @Nullable @Header("Authorization") String authorization,
                                                               @Nullable @Body byte[] body, HttpRequest<?> request) {
        String remote = remoteOf(request);
        UUID boardId;
        try {
            boardId = UUID.fromString(id);
            if (!boardId.toString().equals(id.toLowerCase(java.util.Locale.ROOT))) {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException e) {
            return refuse(HttpStatus.NOT_FOUND, RejectReason.INVALID_NODE_ID, null, remote,
                    "the device id is not a UUID", id.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        String token = bearer(authorization);
        if (token == null) {
            return refuse(HttpStatus.UNAUTHORIZED, RejectReason.MISSING_CREDENTIALS, boardId, remote,
                    "Authorization: Bearer <board token> is required", new byte[0]);
        }
        KnownNode node = registry.find(boardId);
        // Unknown board and wrong token answer alike, so the response does not reveal which ids exist.
        if (node == null || !node.isBoard() || !BoardTokens.matches(token, node.entry().tokenSha256())) {
            return refuse(HttpStatus.UNAUTHORIZED, node == null ? RejectReason.UNKNOWN_NODE : RejectReason.WRONG_CREDENTIALS,
                    boardId, remote, "unknown board or wrong token", new byte[0]);
        }
        if (node.revoked()) {
            return refuse(HttpStatus.FORBIDDEN, RejectReason.REVOKED, boardId, remote, "this board is revoked", new byte[0]);
        }
        MediaType type = request.getContentType().orElse(null);
        if (type != null && !type.getName().equals(MediaType.APPLICATION_JSON)) {
            return refuse(HttpStatus.UNSUPPORTED_MEDIA_TYPE, RejectReason.UNSUPPORTED_MEDIA_TYPE, boardId, remote,
                    "the body must be application/json", new byte[0]);
        }
        byte[] bytes = body == null ? new byte[0] : body;
        if (bytes.length > settings.getMaxBodyBytes()) {
            return refuse(HttpStatus.REQUEST_ENTITY_TOO_LARGE, RejectReason.BODY_TOO_LARGE, boardId, remote,
                    "body of " + bytes.length + " bytes is over the limit of " + settings.getMaxBodyBytes(), bytes);
        }
        if (!Redaction.validUtf8(bytes)) {
            return refuse(HttpStatus.BAD_REQUEST, RejectReason.INVALID_UTF8, boardId, remote, "the body is not valid UTF-8", bytes);
        }
        BoardKeepalive keepalive;
        try {
            keepalive = wire.decodeKeepalive(bytes);
        } catch (ProtocolException e) {
            return refuse(HttpStatus.BAD_REQUEST, RejectReason.of(e), boardId, remote, e.getMessage(), bytes);
        }
        if (!rates.computeIfAbsent(boardId, k -> new TokenBucket(settings.getBoardRequestsPerSecond(),
                settings.getBoardBurst())).tryTake(1)) {
            return refuse(HttpStatus.TOO_MANY_REQUESTS, RejectReason.RATE_LIMITED, boardId, remote,
                    "over " + (long) settings.getBoardRequestsPerSecond() + " requests/s", bytes);
        }
        long now = System.currentTimeMillis();
        long seq = (keepalive.boot() << 32) | (keepalive.seq() & 0xffffffffL);
        String key = boardId.toString();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(2);
        records.add(producer.record(heartbeats, key,
                events.encode(new Heartbeat(boardId, seq, now, keepalive.intervalMs())), now));
        Map<String, Double> values = new LinkedHashMap<>();
        keepalive.readings().forEach((name, value) -> values.put("board." + name, value));
        values.put("board.uptime_s", keepalive.uptimeMs() / 1000.0);
        try {
            records.add(producer.record(metrics, key, events.encode(new MetricSample(boardId, seq, now, values)), now));
        } catch (IllegalArgumentException e) {
            return refuse(HttpStatus.BAD_REQUEST, RejectReason.SCHEMA_VIOLATION, boardId, remote, e.getMessage(), bytes);
        }
        return producer.sendAll(records).handle((ok, error) -> {
            if (error != null) {
                return HttpResponse.status(HttpStatus.SERVICE_UNAVAILABLE)
                        .body(errorBody("unavailable", "Kafka did not acknowledge; retry"));
            }
            accepted.increment();
            List<Command> expired = new ArrayList<>();
            List<Command> pending = inbox.take(boardId, settings.getBoardCommandsPerReply(), now, expired);
            expired.forEach(c -> commands.emitUndeliverable(c, "expired before the board asked for it"));
            pending.forEach(commands::emitAccepted);
            return HttpResponse.status(HttpStatus.ACCEPTED).body(pending.isEmpty() ? noCommands
                    : wire.encode(new BoardKeepaliveReply(pending)));
        });
    }

    private CompletableFuture<MutableHttpResponse<?>> refuse(HttpStatus status, RejectReason reason, UUID nodeId,
                                                             String remote, String message, byte[] input) {
        rejections.reject(reason, nodeId, remote, message, input);
        MutableHttpResponse<?> response = HttpResponse.status(status).body(errorBody(reason.code(), message));
        if (status == HttpStatus.UNAUTHORIZED) {
            response.header("WWW-Authenticate", "Bearer");
        }
        return CompletableFuture.completedFuture(response);
    }

    private byte[] errorBody(String code, String message) {
        return wire.encode(new ServerFrame.ErrorFrame(code, Redaction.excerpt(message, 1000), null));
    }

    private static String remoteOf(HttpRequest<?> request) {
        var a = request.getRemoteAddress();
        return a.getAddress() == null ? a.getHostString() + ":" + a.getPort()
                : a.getAddress().getHostAddress() + ":" + a.getPort();
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
}
