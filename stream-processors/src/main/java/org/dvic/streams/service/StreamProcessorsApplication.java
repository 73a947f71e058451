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
        ApplicationContext context;
        try {
            context = ApplicationContext.builder(StreamProcessorsApplication.class).args(args)
                    .deduceEnvironment(false).start();
        } catch (RuntimeException e) {
            // Missing or invalid settings: say which, without a wall of stack trace.
            System.err.println("stream-processors: cannot start: " + rootMessage(e));
            System.exit(2);
            return;
        }
        ProcessorService service = context.getBean(ProcessorService.class);
        service.start();
        EmbeddedServer server = context.getBean(EmbeddedServer.class).start();
        LOG.info("stream processors running; /health and /prometheus on {}", server.getURL());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping");
            try {
                service.close();
            } finally {
                server.stop();
                if (context.isRunning()) {
                    context.close();
                }
                stopped.countDown();
            }
        }, "dvic-streams-stop"));
        stopped.await();
    }

    private static String rootMessage(Throwable e) {
        StringBuilder message = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && (t.getCause() == null || t instanceof jakarta.validation.ConstraintViolationException)) {
                message.append(t.getMessage());
                break;
            }
        }
        return message.length() == 0 ? e.toString() : message.toString();
    }
}
