package org.dvic.agent.collect;

import org.dvic.agent.spool.EventSink;
import org.dvic.protocol.Limits;
import org.dvic.protocol.event.MetricSample;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One {@link MetricSample} per interval, read from {@link LinuxHost}. Names (docs/topics.md lists them):
 * {@code cpu.total_pct}, {@code cpu.core.<n>_pct}, {@code load.1m|5m|15m}, {@code mem.total_bytes},
 * {@code mem.used_bytes}, {@code mem.used_pct}, {@code swap.total_bytes}, {@code swap.used_bytes},
 * {@code disk.<mount>.total_bytes|used_bytes|used_pct}, {@code net.<if>.rx_bytes|tx_bytes} (counters)
 * and {@code net.<if>.rx_bytes_per_s|tx_bytes_per_s}, {@code temp.cpu_c}, {@code proc.count}, {@code uptime.s}.
 * A reading the machine does not have is absent, never 0.
 *
 * <p>The lists of file systems and interfaces, and where the CPU temperature is, are found once and
 * again with the inventory check ({@link #refreshLists()}); each sample only reads their values.
 */
public final class MetricsCollector implements Runnable {
    private static final Logger LOG = Logger.getLogger(MetricsCollector.class.getName());

    private final LinuxHost host;
    private final EventSink sink;
    private LinuxHost.CpuTicks prevTicks;
    /** Mount point to its JDK file store: one statvfs per sample. */
    private volatile Map<String, FileStore> stores;
    private volatile List<String> interfaces;
    private volatile Path temperature;
    private final Map<String, long[]> prevNet = new LinkedHashMap<>();
    private long prevNetNanos;

    public MetricsCollector(LinuxHost host, EventSink sink) {
        this.host = host;
        this.sink = sink;
        this.prevTicks = host.cpuTicks();
        refreshLists();
    }

    /** Re-reads which file systems, interfaces and temperature sensor exist (they change rarely). */
    public void refreshLists() {
        Map<String, FileStore> byMount = new LinkedHashMap<>();
        for (LinuxHost.Mount m : host.localDisks()) {
            try {
                byMount.put(m.mountPoint(), Files.getFileStore(Path.of(m.mountPoint())));
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINE, "no file store for " + m.mountPoint(), e);
            }
        }
        stores = byMount;
        interfaces = Inventories.interfaces(host.networkCounters().keySet());
        temperature = host.cpuTemperatureInput();
    }

    @Override
    public void run() {
        try {
            Map<String, Double> values = sample();
            long ts = System.currentTimeMillis();
            sink.emit(seq -> new MetricSample(sink.nodeId(), seq, ts, values));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "metrics sample failed", e);
        }
    }

    Map<String, Double> sample() {
        Map<String, Double> v = new LinkedHashMap<>(64);
        LinuxHost.CpuTicks ticks = host.cpuTicks();
        if (ticks.all() != null && prevTicks.all() != null) {
            put(v, "cpu.total_pct", pct(ticks.all().busyFractionSince(prevTicks.all())));
        }
        for (Map.Entry<Integer, LinuxHost.Ticks> core : ticks.cores().entrySet()) {
            LinuxHost.Ticks before = prevTicks.cores().get(core.getKey());
            if (before != null && core.getKey() < 128) {
                put(v, "cpu.core." + core.getKey() + "_pct", pct(core.getValue().busyFractionSince(before)));
            }
        }
        prevTicks = ticks;
        double[] load = host.loadAverage();
        if (load != null) {
            put(v, "load.1m", load[0]);
            put(v, "load.5m", load[1]);
            put(v, "load.15m", load[2]);
        }
        LinuxHost.Memory memory = host.memory();
        if (memory.total() > 0) {
            long used = memory.total() - memory.available();
            put(v, "mem.total_bytes", memory.total());
            put(v, "mem.used_bytes", used);
            put(v, "mem.used_pct", 100.0 * used / memory.total());
        }
        if (memory.swapTotal() >= 0 && memory.swapFree() >= 0) {
            put(v, "swap.total_bytes", memory.swapTotal());
            put(v, "swap.used_bytes", memory.swapTotal() - memory.swapFree());
        }
        for (Map.Entry<String, FileStore> fs : stores.entrySet()) {
            long t;
            long u;
            try {
                t = fs.getValue().getTotalSpace();
                u = t - fs.getValue().getUsableSpace();
            } catch (IOException e) {
                continue;
            }
            if (t <= 0) {
                continue;
            }
            String name = "disk." + Inventories.metricSegment(fs.getKey());
            put(v, name + ".total_bytes", t);
            put(v, name + ".used_bytes", u);
            put(v, name + ".used_pct", 100.0 * u / t);
        }
        long now = System.nanoTime();
        double seconds = prevNetNanos == 0 ? 0 : (now - prevNetNanos) / 1e9;
        Map<String, long[]> counters = host.networkCounters();
        for (String iface : interfaces) {
            long[] c = counters.get(iface);
            if (c == null) {
                continue;
            }
            String name = "net." + Inventories.metricSegment(iface);
            put(v, name + ".rx_bytes", c[0]);
            put(v, name + ".tx_bytes", c[1]);
            long[] prev = prevNet.put(iface, c);
            if (prev != null && seconds > 0 && c[0] >= prev[0] && c[1] >= prev[1]) {
                put(v, name + ".rx_bytes_per_s", (c[0] - prev[0]) / seconds);
                put(v, name + ".tx_bytes_per_s", (c[1] - prev[1]) / seconds);
            }
        }
        prevNetNanos = now;
        put(v, "temp.cpu_c", host.temperature(temperature));
        int processes = host.processCount();
        if (processes > 0) {
            put(v, "proc.count", processes);
        }
        put(v, "uptime.s", host.uptimeSeconds());
        return v;
    }

    private static double pct(double fraction) {
        return fraction * 100.0;
    }

    private static void put(Map<String, Double> v, String name, double value) {
        if (Double.isFinite(value) && value >= 0 && v.size() < Limits.MAP_ENTRIES && name.length() <= Limits.NAME) {
            v.put(name, value);
        }
    }
}
