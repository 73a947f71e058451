package org.dvic.agent;

import org.dvic.agent.command.AgentUpdater;
import org.dvic.agent.config.AgentConfig;
import org.dvic.agent.config.ConfigException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * {@code java -jar dvic-agent.jar [--config <file>] [--check]}: reads the config
 * ({@code --config}, else {@code DVIC_AGENT_CONFIG}, else {@code /etc/dvic/agent.conf}), runs the
 * agent until SIGTERM. {@code --check} only validates the config and key and exits.
 */
public final class AgentMain {
    private AgentMain() {
    }

    public static String version() {
        String v = AgentMain.class.getPackage().getImplementationVersion();
        return v == null || v.isBlank() ? "0.1.0-dev" : v;
    }

    public static void main(String[] args) throws Exception {
        // pty4j logs through SLF4J, which has no provider here: keep its start-up notice quiet
        System.setProperty("slf4j.internal.verbosity", "ERROR");
        configureLogging();
        Path file = null;
        boolean check = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config" -> file = Path.of(args[++i]);
                case "--check" -> check = true;
                case "--version" -> {
                    System.out.println(version());
                    return;
                }
                default -> {
                    System.err.println("usage: dvic-agent [--config <file>] [--check] [--version]");
                    System.exit(2);
                }
            }
        }
        if (file == null) {
            String env = System.getenv(AgentConfig.ENV_CONFIG);
            file = env == null || env.isBlank() ? AgentConfig.DEFAULT_FILE : Path.of(env);
        }
        Agent agent;
        try {
            if (!Files.exists(file)) {
                throw new ConfigException("config file " + file + " does not exist (set --config or "
                        + AgentConfig.ENV_CONFIG + ")");
            }
            AgentConfig config = AgentConfig.load(file, System.getenv());
            if (check) {
                System.out.println("configuration " + file + " is valid");
            }
            agent = new Agent(config, () -> System.exit(AgentUpdater.RESTART_STATUS));
            if (check) {
                agent.close();
                return;
            }
        } catch (ConfigException e) {
            System.err.println("dvic-agent: " + e.getMessage());
            System.exit(78); // EX_CONFIG: systemd's RestartPreventExitStatus keeps it from looping
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            agent.close();
            stopped.countDown();
        }, "dvic-shutdown"));
        agent.start();
        stopped.await();
    }

    /** One line per record on stderr (journald adds the time; the line keeps it for plain files). */
    private static void configureLogging() {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        ConsoleHandler h = new ConsoleHandler();
        h.setLevel(Level.ALL);
        h.setFormatter(new Formatter() {
            @Override
            public String format(LogRecord r) {
                String msg = formatMessage(r);
                String where = r.getLoggerName() == null ? "" : r.getLoggerName()
                        .substring(r.getLoggerName().lastIndexOf('.') + 1);
                StringBuilder sb = new StringBuilder(msg.length() + 64).append(Instant.ofEpochMilli(r.getMillis()))
                        .append(' ').append(r.getLevel().getName()).append(' ').append(where).append(": ").append(msg);
                if (r.getThrown() != null) {
                    sb.append(" (").append(r.getThrown()).append(')');
                }
                return sb.append('\n').toString();
            }
        });
        root.addHandler(h);
        String level = System.getProperty("dvic.agent.log-level", "INFO");
        root.setLevel(Level.parse(level));
    }
}
