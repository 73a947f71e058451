package org.dvic.relay.ops;

import io.micronaut.websocket.CloseReason;
import jakarta.inject.Singleton;
import org.dvic.relay.kafka.RelayProducer;
import org.dvic.relay.live.LiveHub;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The graceful stop (SIGTERM): close every live socket as "going away" (dashboards reconnect to
 * another instance), flush what the producer holds; the HTTP server and the context stop after.
 */
@Singleton
public class RelayShutdown {
    private static final Logger LOG = LoggerFactory.getLogger(RelayShutdown.class);

    private final LiveHub hub;
    private final RelayProducer producer;

    public RelayShutdown(LiveHub hub, RelayProducer producer) {
        this.hub = hub;
        this.producer = producer;
    }

    public void drain() {
        long t0 = System.nanoTime();
        hub.closeAll(CloseReason.GOING_AWAY.getCode(), "relay shutting down");
        producer.flush();
        LOG.info("drained in {} ms", (System.nanoTime() - t0) / 1_000_000);
    }
}
