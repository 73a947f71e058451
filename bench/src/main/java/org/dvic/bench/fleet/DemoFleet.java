package org.dvic.bench.fleet;

import org.dvic.protocol.event.Command;
import org.dvic.protocol.event.CommandEvent;
import org.dvic.protocol.event.Heartbeat;
import org.dvic.protocol.event.Inventory;
import org.dvic.protocol.event.LogLevel;
import org.dvic.protocol.event.LogRecord;
import org.dvic.protocol.event.MetricSample;
import org.dvic.protocol.event.NodeEvent;
import org.dvic.protocol.event.ProcessState;
import org.dvic.protocol.event.ProcessStatus;
import org.dvic.protocol.wire.AgentBatch;
import org.dvic.protocol.wire.ServerFrame;
import org.dvic.protocol.wire.WireCodec;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The demonstrator: a small, realistic fleet for the local stack, so the dashboard has something to
 * show on a fresh machine. Each simulated desktop reports its inventory, a heartbeat and metrics
 * (random walks) every 5 s, log lines from two demo programs, and demo processes that now and then
 * die and are restarted; it answers exec commands. Boards send keep-alives every 10 s. Identities
 * are kept in the state directory, so the same nodes come back after a restart.
 */
public final class DemoFleet {
    private static final WireCodec WIRE = new WireCodec();
    private static final String[] DEMOS = {"robot-arm", "vision-demo", "voice-kiosk", "ar-table", "drone-sim", "led-wall"};
    private static final String[] LINES = {"frame %d processed in %d ms", "camera left: %d fps, exposure %d",
            "calibration step %d done (%d ms)", "visitor detected, session %d (%d people)", "gesture %d recognised, score 0.%d"};

    private DemoFleet() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new LinkedHashMap<>(Map.of("--namespace", "", "--agents", "8", "--boards", "3",
                "--state", System.getProperty("user.home") + "/.dvic/fleet"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            opt.put(args[i], args[i + 1]);
        }
        if (!opt.containsKey("--kafka") || !opt.containsKey("--gateway")) {
            System.err.println("usage: demo --kafka HOST:PORT --gateway http://HOST:PORT [--namespace NS] [--agents N]"
                    + " [--boards N] [--state DIR]");
            System.exit(2);
        }
        Path state = Path.of(opt.get("--state"));
        Files.createDirectories(state);
        Path file = state.resolve("identities");
        int agents = Integer.parseInt(opt.get("--agents"));
        int boards = Integer.parseInt(opt.get("--boards"));
        FleetIdentities ids;
        if (Files.exists(file)) {
            ids = FleetIdentities.load(file);
        } else {
            ids = FleetIdentities.generate(agents, boards);
            ids.save(file);
        }
        ids.register(opt.get("--kafka"), opt.get("--namespace"), "demo");
        String base = opt.get("--gateway").replaceAll("/$", "");
        URI ws = URI.create(base.replaceFirst("^http", "ws") + "/v1/agent");
        ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
        HttpClient client = HttpClient.newHttpClient();
        Random random = new Random();
        List<Desktop> desktops = new ArrayList<>();
        for (int i = 0; i < Math.min(agents, ids.agents().size()); i++) {
            Desktop d = new Desktop(ids.agents().get(i), i, client, ws, new Random(random.nextLong()));
            desktops.add(d);
            timer.scheduleWithFixedDelay(d::tick, random.nextInt(5000), 5000, TimeUnit.MILLISECONDS);
        }
        for (int i = 0; i < Math.min(boards, ids.boards().size()); i++) {
            FleetIdentities.BoardIdentity b = ids.boards().get(i);
            long[] seq = {0};
            timer.scheduleWithFixedDelay(() -> keepalive(client, base, b, ++seq[0], random), random.nextInt(10_000),
                    10_000, TimeUnit.MILLISECONDS);
        }
        System.out.printf("[fleet] demo fleet: %d desktops, %d boards -> %s%n", desktops.size(), boards, base);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> desktops.forEach(Desktop::close)));
        Thread.currentThread().join();
    }

    private static void keepalive(HttpClient client, String base, FleetIdentities.BoardIdentity b, long seq, Random r) {
        String body = String.format(java.util.Locale.ROOT, "{\"boot\":1,\"seq\":%d,\"uptimeMs\":%d,\"intervalMs\":10000,"
                + "\"readings\":{\"temp_c\":%.1f,\"humidity_pct\":%.1f,\"rssi_dbm\":%d},\"firmware\":\"0.1.0\"}",
                seq, seq * 10_000, 20 + r.nextGaussian(), 45 + 3 * r.nextGaussian(), -55 - r.nextInt(20));
        client.sendAsync(HttpRequest.newBuilder(URI.create(base + "/v1/devices/" + b.nodeId() + "/keepalive"))
                .header("Authorization", "Bearer " + b.token()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding());
    }

    /** One simulated desktop node. */
    static final class Desktop {
        private final FleetIdentities.AgentIdentity id;
        private final int index;
        private final HttpClient client;
        private final URI uri;
        private final Random r;
        private final List<Demo> demos = new ArrayList<>();
        private final List<NodeEvent> outbox = new ArrayList<>();
        private SimulatedAgent socket;
        private long seq = System.currentTimeMillis() * 10; // survives restarts without a spool
        private double cpu = 20;
        private double mem = 40;
        private boolean inventorySent;

        Desktop(FleetIdentities.AgentIdentity id, int index, HttpClient client, URI uri, Random r) {
            this.id = id;
            this.index = index;
            this.client = client;
            this.uri = uri;
            this.r = r;
            for (int k = 0; k < 2; k++) {
                String token = UUID.randomUUID().toString().replace("-", "").substring(0, 22);
                demos.add(new Demo(DEMOS[(index * 2 + k) % DEMOS.length], token, 1000 + r.nextInt(30000)));
            }
        }

        synchronized void tick() {
            try {
                if (socket == null || !socket.open) {
                    socket = new SimulatedAgent(id);
                    socket.onOtherFrame = this::onFrame;
                    socket.connect(client, uri).get(10, TimeUnit.SECONDS);
                    inventorySent = false;
                }
                long ts = System.currentTimeMillis();
                UUID node = id.nodeId();
                if (!inventorySent) {
                    outbox.add(new Inventory(node, ++seq, ts, String.format("lab-pc-%02d", index + 1),
                            "Ubuntu 24.04.1 LTS", "6.8.0-45-generic", "Intel Core i7-12700", 12, 32L << 30,
                            List.of(new Inventory.Disk("/", "ext4", 512L << 30)),
                            List.of(new Inventory.NetworkInterface("eth0", null, List.of("10.0.0." + (10 + index)))),
                            "0.1.0-sim", true, true));
                    for (Demo d : demos) {
                        outbox.add(d.state(node, ++seq, ts, ProcessStatus.RUNNING, null));
                    }
                    inventorySent = true;
                }
                cpu = clamp(cpu + r.nextGaussian() * 6, 2, 99);
                mem = clamp(mem + r.nextGaussian() * 1.5, 10, 95);
                outbox.add(new Heartbeat(node, ++seq, ts, 5000));
                outbox.add(new MetricSample(node, ++seq, ts, Map.of("cpu.total_pct", round(cpu), "mem.used_pct", round(mem),
                        "disk./.used_pct", 61.0 + index, "temp.cpu_c", round(45 + cpu / 4), "net.rx_bps",
                        round(20_000 + r.nextInt(200_000)))));
                for (Demo d : demos) {
                    if (d.running) {
                        for (int k = r.nextInt(3); k > 0; k--) {
                            boolean bad = r.nextInt(20) == 0;
                            outbox.add(new LogRecord(node, ++seq, ts, "demo:" + d.token, bad ? LogLevel.WARN : LogLevel.INFO,
                                    String.format(LINES[r.nextInt(LINES.length)], r.nextInt(10_000), r.nextInt(100)),
                                    null, null, null));
                        }
                        if (r.nextInt(60) == 0) { // dies now and then
                            d.running = false;
                            outbox.add(new LogRecord(node, ++seq, ts, "demo:" + d.token, LogLevel.ERROR,
                                    "fatal: device disconnected", null, "java.io.IOException: device gone", null));
                            outbox.add(d.state(node, ++seq, ts, ProcessStatus.EXITED, 1));
                        }
                    } else if (r.nextInt(3) == 0) { // restarted by its supervisor
                        d.running = true;
                        d.pid = 1000 + r.nextInt(30000);
                        outbox.add(d.state(node, ++seq, ts, ProcessStatus.RUNNING, null));
                    }
                }
                flush();
            } catch (Exception e) {
                socket = null; // reconnect at the next tick
            }
        }

        private void flush() {
            if (outbox.isEmpty() || socket == null || !socket.open) {
                return;
            }
            AgentBatch batch = new AgentBatch(outbox.get(outbox.size() - 1).seq(), List.copyOf(outbox));
            socket.sendRaw(new String(WIRE.encode(batch), StandardCharsets.UTF_8));
            outbox.clear(); // the demo fleet keeps no spool: a lost batch is simply lost
        }

        private void onFrame(String frame) {
            ServerFrame f;
            try {
                f = WIRE.decodeServerFrame(frame.getBytes(StandardCharsets.UTF_8));
            } catch (RuntimeException e) {
                return;
            }
            if (f instanceof ServerFrame.CommandDelivery d && d.command() instanceof Command.Exec exec) {
                synchronized (this) {
                    long ts = System.currentTimeMillis();
                    outbox.add(new CommandEvent.Output(exec.commandId(), id.nodeId(), ++seq, ts, 0,
                            CommandEvent.OutputStream.STDOUT, "(simulated) $ " + exec.commandLine() + "\nok\n"));
                    outbox.add(new CommandEvent.Completed(exec.commandId(), id.nodeId(), ++seq, ts, 0, 20));
                    flush();
                }
            }
        }

        synchronized void close() { // never in the middle of a tick (connecting or sending)
            if (socket != null) {
                socket.close();
            }
        }

        private static double clamp(double v, double lo, double hi) {
            return Math.max(lo, Math.min(hi, v));
        }

        private static double round(double v) {
            return Math.round(v * 10) / 10.0;
        }
    }

    static final class Demo {
        final String name;
        final String token;
        long pid;
        boolean running = true;
        final long started = System.currentTimeMillis();

        Demo(String name, String token, long pid) {
            this.name = name;
            this.token = token;
            this.pid = pid;
        }

        ProcessState state(UUID node, long seq, long ts, ProcessStatus status, Integer exitCode) {
            return new ProcessState(node, seq, ts, token, pid, started, name, "/opt/demos/" + name + "/run", status,
                    exitCode, null);
        }
    }
}
