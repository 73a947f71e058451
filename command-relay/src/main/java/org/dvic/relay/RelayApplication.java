package org.dvic.relay;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import org.dvic.relay.ops.RelayShutdown;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CountDownLatch;

/**
 * Starts the command relay; every setting comes from the environment (see README.md). Owns the
 * SIGTERM path so that live sockets are told to go elsewhere before the HTTP server stops.
 */
public final class RelayApplication {
    private static final Logger LOG = LoggerFactory.getLogger(RelayApplication.class);

    private RelayApplication() {
    }

    public static void main(String[] args) throws InterruptedException {
        ApplicationContext context;
        try {
            context = ApplicationContext.builder(RelayApplication.class).args(args).deduceEnvironment(false).start();
        } catch (RuntimeException e) {
            // Configuration errors name the setting; say it once, plainly, and stop.
            LOG.error("command relay cannot start: {}", rootMessage(e));
            System.exit(2);
            return;
        }
        EmbeddedServer server = context.getBean(EmbeddedServer.class).start();
        LOG.info("command relay listening on {}", server.getURL());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping: closing live sockets");
            try {
                context.getBean(RelayShutdown.class).drain();
            } finally {
                server.stop();
                if (context.isRunning()) {
                    context.close();
                }
                stopped.countDown();
            }
        }, "dvic-relay-stop"));
        stopped.await();
    }

    static String rootMessage(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && (m.contains("dvic.") || t.getCause() == null)) {
                sb.setLength(0);
                sb.append(m);
            }
        }
        return sb.length() == 0 ? e.toString() : sb.toString();
    }
}
