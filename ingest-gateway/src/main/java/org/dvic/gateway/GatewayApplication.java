package org.dvic.gateway;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import org.dvic.gateway.ops.GatewayShutdown;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CountDownLatch;

/**
 * Starts the ingest gateway; every setting comes from the environment (see README.md). Owns the
 * SIGTERM path so that sockets are drained before the HTTP server stops.
 */
public final class GatewayApplication {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayApplication.class);

    private GatewayApplication() {
    }

    public static void main(String[] args) throws InterruptedException {
        ApplicationContext context = ApplicationContext.builder(GatewayApplication.class).args(args)
                .deduceEnvironment(false).start();
        EmbeddedServer server = context.getBean(EmbeddedServer.class).start();
        LOG.info("ingest gateway listening on {}", server.getURL());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping: draining agent sockets");
            try {
                context.getBean(GatewayShutdown.class).drain();
            } finally {
                server.stop();
                if (context.isRunning()) {
                    context.close();
                }
                stopped.countDown();
            }
        }, "dvic-gateway-stop"));
        stopped.await();
    }
}
