package org.dvic.gateway.reject;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;
import org.dvic.gateway.config.GatewaySettings;
import org.dvic.gateway.config.TopicSettings;
import org.dvic.gateway.kafka.EventProducer;
import org.dvic.protocol.Limits;
import org.dvic.protocol.event.Rejected;
import org.dvic.protocol.json.EventCodec;
import org.dvic.protocol.topic.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.EnumMap;
import java.util.Map;
import java.util.UUID;

/**
 * Records refused input: counted by reason, and written (redacted, truncated) to {@code dvic.rejected}
 * at no more than a configured rate, so a flood of garbage cannot flood Kafka too.
 */
@Singleton
public final class Rejections {
    private static final Logger LOG = LoggerFactory.getLogger(Rejections.class);

    private final EventProducer producer;
    private final EventCodec codec;
    private final String topic;
    private final int excerptChars;
    private final TokenBucket budget;
    private final Map<RejectReason, Counter> counters = new EnumMap<>(RejectReason.class);
    private final Counter dropped;

    public Rejections(EventProducer producer, EventCodec codec, TopicSettings topics, GatewaySettings settings,
                      MeterRegistry meters) {
        this.producer = producer;
        this.codec = codec;
        this.topic = topics.name(Topics.REJECTED);
        this.excerptChars = settings.getExcerptChars();
        this.budget = new TokenBucket(settings.getRejectedPerSecond(), settings.getRejectedPerSecond());
        for (RejectReason r : RejectReason.values()) {
            counters.put(r, Counter.builder("dvic.gateway.rejected").tag("reason", r.code())
                    .description("input refused by the edge, by reason").register(meters));
        }
        this.dropped = Counter.builder("dvic.gateway.rejected.unrecorded")
                .description("refusals not written to dvic.rejected because of its rate cap").register(meters);
    }

    public void reject(RejectReason reason, UUID nodeId, String remote, String detail, byte[] input) {
        reject(reason, nodeId, remote, detail, Redaction.excerpt(input, excerptChars));
    }

    public void reject(RejectReason reason, UUID nodeId, String remote, String detail, String excerpt) {
        counters.get(reason).increment();
        if (!budget.tryTake(1)) {
            dropped.increment();
            return;
        }
        long now = System.currentTimeMillis();
        String safeRemote = remote == null ? "unknown" : abbreviate(remote, Limits.NAME);
        Rejected event = new Rejected(now, nodeId, safeRemote, reason.code(),
                abbreviate(Redaction.excerpt(detail, Limits.TEXT), Limits.TEXT),
                abbreviate(Redaction.excerpt(excerpt, excerptChars), Rejected.EXCERPT_MAX));
        String key = nodeId != null ? nodeId.toString() : safeRemote;
        producer.send(producer.record(topic, key, codec.encode(event), now)).whenComplete((ok, e) -> {
            if (e != null) {
                LOG.warn("could not record a rejection ({}): {}", reason.code(), e.toString());
            }
        });
    }

    private static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
