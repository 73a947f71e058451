package org.dvic.streams.service;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CountDownLatch;

/**
 * Starts the stream processors (liveness, rollups, Cassandra sinks) with /health and /prometheus;
 * every setting comes from the environment (README.md). On SIGTERM the sinks stop first (their
 * current batch stays uncommitted and is rewritten by the next start), then the Kafka Streams
 * applications commit and close, then the HTTP server.
 */
public final class StreamProcessorsApplication {
    private static final Logger LOG = LoggerFactory.getLogger(StreamProcessorsApplication.class);

    private StreamProcessorsApplication() {
    }

    public static void main(String[] args) throws InterruptedException {
        ApplicationContext context = null;
        ProcessorService service;
        try {
            context = ApplicationContext.builder(StreamProcessorsApplication.class).args(args)
                    .deduceEnvironment(false).start();
            service = context.getBean(ProcessorService.class);
        } catch (RuntimeException e) {
            // Missing or invalid settings: say which, without a wall of stack trace.
            System.err.println("stream-processors: cannot start: " + settingsProblem(e));
            if (context != null && context.isRunning()) {
                context.close();
            }
            System.exit(2);
            return;
        }
        service.start();
        ApplicationContext running = context;
        EmbeddedServer server = context.getBean(EmbeddedServer.class).start();
        LOG.info("stream processors running; /health and /prometheus on {}", server.getURL());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping");
            try {
                service.close();
            } finally {
                server.stop();
                if (running.isRunning()) {
                    running.close();
                }
                stopped.countDown();
            }
        }, "dvic-streams-stop"));
        stopped.await();
    }

    private static String settingsProblem(Throwable e) {
        String message = String.valueOf(e.getMessage());
        int path = message.indexOf("Path Taken");
        return (path > 0 ? message.substring(0, path) : message).trim();
    }
}
