package org.dvic.agent.docker;

import org.dvic.agent.demolog.DemoLogTailer;
import org.dvic.protocol.json.JsonValues;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Running Docker containers, through the Engine API on its Unix socket (plain HTTP/1.0, no client
 * library). Each container's {@code /tmp} is searched for demo logs through
 * {@code /proc/<pid>/root/tmp}, its processes probed through {@code /proc/<pid>/root/proc}, and
 * the events labelled with the container's name.
 */
public final class DockerContainers implements Closeable {
    private static final Logger LOG = Logger.getLogger(DockerContainers.class.getName());

    private final Path socket;
    private final Consumer<List<DemoLogTailer.Source>> sink;
    private final Map<String, Long> pids = new HashMap<>();
    private ScheduledFuture<?> task;
    private boolean warned;

    public DockerContainers(Path socket, Consumer<List<DemoLogTailer.Source>> sink) {
        this.socket = socket;
        this.sink = sink;
    }

    public static boolean available(Path socket) {
        return Files.exists(socket);
    }

    public void start(ScheduledExecutorService timers, long periodMs) {
        task = timers.scheduleWithFixedDelay(this::refresh, 0, periodMs, TimeUnit.MILLISECONDS);
    }

    void refresh() {
        try {
            List<DemoLogTailer.Source> sources = new ArrayList<>();
            Map<String, Long> seen = new HashMap<>();
            for (Object each : JsonValues.parse(get("/containers/json")) instanceof List<?> list ? list : List.of()) {
                if (!(each instanceof Map<?, ?> c) || !(c.get("Id") instanceof String id) || id.length() < 12) {
                    continue;
                }
                Long pid = pids.get(id);
                if (pid == null) {
                    pid = JsonValues.parse(get("/containers/" + id + "/json")) instanceof Map<?, ?> inspect
                            && inspect.get("State") instanceof Map<?, ?> state && state.get("Pid") instanceof Long p
                            ? p : 0L;
                }
                if (pid <= 0) {
                    continue;
                }
                seen.put(id, pid);
                sources.add(source(id, name(c), pid));
            }
            pids.clear();
            pids.putAll(seen);
            sink.accept(sources);
            warned = false;
        } catch (IOException | RuntimeException e) {
            if (!warned) {
                LOG.info("cannot list Docker containers through " + socket + ": " + e.getMessage());
                warned = true;
            }
        }
    }

    static DemoLogTailer.Source source(String id, String name, long pid) {
        Path root = Path.of("/proc", Long.toString(pid), "root");
        return new DemoLogTailer.Source("c-" + id.substring(0, 12), root.resolve("tmp"), root.resolve("proc"), name);
    }

    /** The container's first name without its leading slash, else the short id; at most 256 characters. */
    static String name(Map<?, ?> container) {
        String n = container.get("Names") instanceof List<?> names && !names.isEmpty()
                && names.get(0) instanceof String first ? first : "";
        n = n.startsWith("/") ? n.substring(1) : n;
        if (n.isEmpty()) {
            n = (container.get("Id") instanceof String id ? id : "container").substring(0, 12);
        }
        return n.length() > 256 ? n.substring(0, 256) : n;
    }

    /** One GET over the Unix socket; returns the body of a 200 answer. */
    byte[] get(String path) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.write(ByteBuffer.wrap(("GET " + path + " HTTP/1.0\r\nHost: docker\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII)));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteBuffer buf = ByteBuffer.allocate(16 * 1024);
            while (ch.read(buf) >= 0) {
                buf.flip();
                out.write(buf.array(), 0, buf.limit());
                buf.clear();
                if (out.size() > 8 * 1024 * 1024) {
                    throw new IOException("answer too large");
                }
            }
            return body(out.toByteArray());
        }
    }

    static byte[] body(byte[] response) throws IOException {
        String head = new String(response, 0, Math.min(response.length, 64), StandardCharsets.US_ASCII);
        if (!head.startsWith("HTTP/1.") || !head.substring(9).startsWith("200")) {
            throw new IOException("Docker answered " + head.split("\r\n")[0]);
        }
        for (int i = 0; i + 3 < response.length; i++) {
            if (response[i] == '\r' && response[i + 1] == '\n' && response[i + 2] == '\r' && response[i + 3] == '\n') {
                return java.util.Arrays.copyOfRange(response, i + 4, response.length);
            }
        }
        throw new IOException("no end of headers");
    }

    @Override
    public void close() {
        if (task != null) {
            task.cancel(false);
        }
    }
}
