package org.dvic.gateway.ops;

import jakarta.inject.Singleton;
import org.dvic.gateway.agent.AgentSocket;
import org.dvic.gateway.kafka.EventProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The graceful stop (SIGTERM): refuse new sockets, stop reading, let in-flight batches reach Kafka
 * and be acked, close every socket as "going away" (the agents reconnect to another instance), and
 * flush the producer. The HTTP server and the context stop after this.
 */
@Singleton
public class GatewayShutdown {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayShutdown.class);

    private final AgentSocket sockets;
    private final EventProducer producer;

    public GatewayShutdown(AgentSocket sockets, EventProducer producer) {
        this.sockets = sockets;
        this.producer = producer;
    }

    public void drain() {
        long t0 = System.nanoTime();
        sockets.drain();
        producer.flush();
        LOG.info("drained in {} ms", (System.nanoTime() - t0) / 1_000_000);
    }
}
