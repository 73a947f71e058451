package org.dvic.agent.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The agent's settings: a Java properties file ({@code /etc/dvic/agent.conf} unless
 * {@code DVIC_AGENT_CONFIG} or {@code --config} names another), every key overridable by an
 * environment variable {@code DVIC_AGENT_<KEY>} (upper case, {@code .} and {@code -} as {@code _}).
 * Unknown keys and invalid values fail at start-up with a message naming the key. The README lists
 * every key; {@link #KEYS} is the single place their defaults are written.
 */
public record AgentConfig(
        String gatewayUrl, UUID nodeId, Path keyFile, Path stateDir,
        long heartbeatIntervalMs, long metricsIntervalMs, long inventoryCheckIntervalMs,
        List<Path> demoLogDirs, long demoLogPollIntervalMs, long livenessIntervalMs, boolean deleteExitedLogs,
        String journalMode, Path syslogFile,
        long spoolMaxBytes, long spoolSegmentBytes,
        long backoffInitialMs, long backoffMaxMs, long refusedBackoffMs, long connectTimeoutMs, long ackTimeoutMs,
        int batchMaxEvents, int batchMaxBytes, int windowBatches, long lingerMs,
        boolean remoteExecAllowed, boolean terminalAllowed, String execShell, String terminalShell,
        long maxExecTimeoutMs, String dockerMode, Path dockerSocket, Path installDir,
        java.security.PublicKey updatePublicKey) {

    /** Every key with its default; {@code null} marks a required key. Order is the README's. */
    public static final Map<String, String> KEYS = keys();

    private static Map<String, String> keys() {
        Map<String, String> k = new LinkedHashMap<>();
        k.put("gateway.url", null);
        k.put("node.id", null);
        k.put("node.key-file", "/etc/dvic/node.key");
        k.put("state.dir", "/var/lib/dvic-agent");
        k.put("heartbeat.interval-ms", "10000");
        k.put("metrics.interval-ms", "5000");
        k.put("inventory.check-interval-ms", "60000");
        k.put("demo-logs.dirs", "/tmp");
        k.put("demo-logs.poll-interval-ms", "1000");
        k.put("demo-logs.liveness-interval-ms", "250");
        k.put("demo-logs.delete-exited", "true");
        k.put("journal.mode", "auto");
        k.put("journal.syslog-file", "/var/log/syslog");
        k.put("spool.max-bytes", "67108864");
        k.put("spool.segment-bytes", "1048576");
        k.put("connection.backoff-initial-ms", "500");
        k.put("connection.backoff-max-ms", "60000");
        k.put("connection.refused-backoff-ms", "300000");
        k.put("connection.connect-timeout-ms", "10000");
        k.put("connection.ack-timeout-ms", "30000");
        k.put("connection.batch-max-events", "500");
        k.put("connection.batch-max-bytes", "262144");
        k.put("connection.window-batches", "8");
        k.put("connection.linger-ms", "150");
        k.put("commands.allow-remote-exec", "true");
        k.put("commands.allow-terminal", "true");
        k.put("commands.exec-shell", "/bin/sh");
        k.put("commands.terminal-shell", "/bin/bash");
        k.put("commands.max-exec-timeout-ms", "3600000");
        k.put("docker.mode", "auto");
        k.put("docker.socket", "/var/run/docker.sock");
        k.put("update.install-dir", "/opt/dvic-agent");
        k.put("update.public-key", "");
        return java.util.Collections.unmodifiableMap(k);
    }

    public static final Path DEFAULT_FILE = Path.of("/etc/dvic/agent.conf");
    public static final String ENV_PREFIX = "DVIC_AGENT_";
    /** The environment variable naming the config file; not a setting itself. */
    public static final String ENV_CONFIG = "DVIC_AGENT_CONFIG";

    /** Reads {@code file} (which must exist) and applies {@code env} overrides. */
    public static AgentConfig load(Path file, Map<String, String> env) {
        Properties props = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(r);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String name : props.stringPropertyNames()) {
            values.put(name, props.getProperty(name).trim());
        }
        return from(values, env, file.toString());
    }

    /** Builds the config from file values and environment overrides; {@code origin} names the file in messages. */
    public static AgentConfig from(Map<String, String> fileValues, Map<String, String> env, String origin) {
        List<String> problems = new ArrayList<>();
        for (String name : new TreeSet<>(fileValues.keySet())) {
            if (!KEYS.containsKey(name)) {
                problems.add("unknown key '" + name + "' in " + origin);
            }
        }
        Map<String, String> envNames = new LinkedHashMap<>();
        for (String key : KEYS.keySet()) {
            envNames.put(envName(key), key);
        }
        Map<String, String> values = new LinkedHashMap<>(fileValues);
        for (Map.Entry<String, String> e : new java.util.TreeMap<>(env).entrySet()) {
            if (!e.getKey().startsWith(ENV_PREFIX) || e.getKey().equals(ENV_CONFIG)) {
                continue;
            }
            String key = envNames.get(e.getKey());
            if (key == null) {
                problems.add("unknown environment variable " + e.getKey());
            } else {
                values.put(key, e.getValue().trim());
            }
        }
        Values v = new Values(values, problems);
        AgentConfig config = new AgentConfig(
                v.gatewayUrl("gateway.url"), v.uuid("node.id"), v.path("node.key-file"), v.path("state.dir"),
                v.millis("heartbeat.interval-ms", 1000), v.millis("metrics.interval-ms", 200),
                v.millis("inventory.check-interval-ms", 1000),
                v.paths("demo-logs.dirs"), v.millis("demo-logs.poll-interval-ms", 50),
                v.millis("demo-logs.liveness-interval-ms", 20), v.bool("demo-logs.delete-exited"),
                v.oneOf("journal.mode", "auto", "journal", "syslog", "off"), v.path("journal.syslog-file"),
                v.size("spool.max-bytes", 64 * 1024), v.size("spool.segment-bytes", 4096),
                v.millis("connection.backoff-initial-ms", 10), v.millis("connection.backoff-max-ms", 10),
                v.millis("connection.refused-backoff-ms", 10), v.millis("connection.connect-timeout-ms", 100),
                v.millis("connection.ack-timeout-ms", 100),
                (int) v.count("connection.batch-max-events", 1, 1000),
                (int) v.count("connection.batch-max-bytes", 64 * 1024, 16 * 1024 * 1024),
                (int) v.count("connection.window-batches", 1, 1024),
                v.count("connection.linger-ms", 0, 1000),
                v.bool("commands.allow-remote-exec"), v.bool("commands.allow-terminal"),
                v.text("commands.exec-shell"), v.text("commands.terminal-shell"),
                v.millis("commands.max-exec-timeout-ms", 1000),
                v.oneOf("docker.mode", "auto", "off"), v.path("docker.socket"), v.path("update.install-dir"),
                v.publicKey("update.public-key"));
        if (problems.isEmpty() && config.spoolSegmentBytes * 2 > config.spoolMaxBytes) {
            problems.add("spool.segment-bytes must be at most half of spool.max-bytes");
        }
        if (problems.isEmpty() && config.backoffMaxMs < config.backoffInitialMs) {
            problems.add("connection.backoff-max-ms must not be below connection.backoff-initial-ms");
        }
        if (!problems.isEmpty()) {
            throw new ConfigException("invalid agent configuration:\n  " + String.join("\n  ", problems));
        }
        return config;
    }

    /** {@code DVIC_AGENT_} + the key in upper case with {@code .} and {@code -} as {@code _}. */
    public static String envName(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** The agent WebSocket endpoint: {@code gateway.url} + {@code /v1/agent}. */
    public java.net.URI agentEndpoint() {
        return java.net.URI.create(gatewayUrl.replaceAll("/+$", "") + "/v1/agent");
    }

    /** Parses values, collecting every problem instead of stopping at the first. */
    private static final class Values {
        private final Map<String, String> values;
        private final List<String> problems;

        Values(Map<String, String> values, List<String> problems) {
            this.values = values;
            this.problems = problems;
        }

        private String raw(String key) {
            String v = values.get(key);
            if (v == null || v.isEmpty()) {
                v = KEYS.get(key);
            }
            if (v == null) {
                problems.add("missing required key '" + key + "' (or environment variable " + envName(key) + ")");
            }
            return v;
        }

        String text(String key) {
            String v = raw(key);
            return v == null ? "" : v;
        }

        /** An Ed25519 public key (base64, as the relay gives it), or null when empty. */
        java.security.PublicKey publicKey(String key) {
            String v = raw(key);
            if (v == null || v.isBlank()) {
                return null;
            }
            try {
                return org.dvic.protocol.identity.NodeKeys.decodePublic(v);
            } catch (RuntimeException e) {
                problems.add(key + " must be the relay's Ed25519 update public key, base64 (" + e.getMessage() + ")");
                return null;
            }
        }

        String gatewayUrl(String key) {
            String v = raw(key);
            if (v != null && !v.matches("wss?://[^/\\s]+(/\\S*)?")) {
                problems.add(key + " must be a ws:// or wss:// URL, e.g. ws://gateway:8080 (got '" + v + "')");
            }
            return v;
        }

        UUID uuid(String key) {
            String v = raw(key);
            if (v == null) {
                return null;
            }
            try {
                return UUID.fromString(v);
            } catch (IllegalArgumentException e) {
                problems.add(key + " must be a UUID (got '" + v + "')");
                return null;
            }
        }

        Path path(String key) {
            String v = raw(key);
            return v == null ? null : Path.of(v);
        }

        List<Path> paths(String key) {
            String v = raw(key);
            List<Path> out = new ArrayList<>();
            if (v != null) {
                for (String p : v.split(",")) {
                    if (!p.isBlank()) {
                        out.add(Path.of(p.trim()));
                    }
                }
            }
            return List.copyOf(out);
        }

        boolean bool(String key) {
            String v = raw(key);
            if ("true".equalsIgnoreCase(v)) {
                return true;
            }
            if (v != null && !"false".equalsIgnoreCase(v)) {
                problems.add(key + " must be true or false (got '" + v + "')");
            }
            return false;
        }

        String oneOf(String key, String... allowed) {
            String v = raw(key);
            if (v != null && !List.of(allowed).contains(v)) {
                problems.add(key + " must be one of " + String.join(", ", allowed) + " (got '" + v + "')");
            }
            return v;
        }

        long count(String key, long min, long max) {
            String v = raw(key);
            if (v == null) {
                return min;
            }
            try {
                long n = Long.parseLong(v.replace("_", ""));
                if (n < min || n > max) {
                    problems.add(key + " must be between " + min + " and " + max + " (got " + n + ")");
                    return min;
                }
                return n;
            } catch (NumberFormatException e) {
                problems.add(key + " must be an integer (got '" + v + "')");
                return min;
            }
        }

        long millis(String key, long min) {
            return count(key, min, 365L * 24 * 3600 * 1000);
        }

        long size(String key, long min) {
            return count(key, min, 1L << 40);
        }
    }
}
