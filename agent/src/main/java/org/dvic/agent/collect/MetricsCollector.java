package org.dvic.agent.collect;

import org.dvic.agent.spool.EventSink;
import org.dvic.protocol.Limits;
import org.dvic.protocol.event.MetricSample;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.GlobalMemory;
import oshi.hardware.HardwareAbstractionLayer;
import oshi.hardware.NetworkIF;
import oshi.hardware.Sensors;
import oshi.hardware.VirtualMemory;
import oshi.software.os.OSFileStore;
import oshi.software.os.OperatingSystem;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One {@link MetricSample} per interval, through OSHI. Names (docs/topics.md lists them):
 * {@code cpu.total_pct}, {@code cpu.core.<n>_pct}, {@code load.1m|5m|15m}, {@code mem.total_bytes},
 * {@code mem.used_bytes}, {@code mem.used_pct}, {@code swap.total_bytes}, {@code swap.used_bytes},
 * {@code disk.<mount>.total_bytes|used_bytes|used_pct}, {@code net.<if>.rx_bytes|tx_bytes} (counters)
 * and {@code net.<if>.rx_bytes_per_s|tx_bytes_per_s}, {@code temp.cpu_c}, {@code proc.count}, {@code uptime.s}.
 * A reading the machine does not have is absent, never 0: a VM reports 0 °C for its CPU, which
 * is left out.
 *
 * <p>The lists of file systems and interfaces are fetched once and refreshed with the inventory
 * check ({@link #refreshLists()}); each sample only updates their counters.
 */
public final class MetricsCollector implements Runnable {
    private static final Logger LOG = Logger.getLogger(MetricsCollector.class.getName());

    private final EventSink sink;
    private final CentralProcessor cpu;
    private final GlobalMemory memory;
    private final VirtualMemory swap;
    private final Sensors sensors;
    private final OperatingSystem os;
    private final HardwareAbstractionLayer hal;
    private long[] prevTicks;
    private long[][] prevCoreTicks;
    /** Mount point to its JDK file store: statvfs per sample, where OSHI's update re-reads every mount. */
    private volatile Map<String, java.nio.file.FileStore> stores;
    private volatile List<NetworkIF> interfaces;
    private final Map<String, long[]> prevNet = new LinkedHashMap<>();
    private long prevNetNanos;
    /** Whether the machine has a CPU temperature sensor: asked at start and with each list refresh, since
     * OSHI's search for one (hwmon, thermal zones, then vendor tools it starts as processes) is not cheap. */
    private volatile boolean hasTemperature;

    public MetricsCollector(SystemInfo si, EventSink sink) {
        this.sink = sink;
        this.hal = si.getHardware();
        this.os = si.getOperatingSystem();
        this.cpu = hal.getProcessor();
        this.memory = hal.getMemory();
        this.swap = memory.getVirtualMemory();
        this.sensors = hal.getSensors();
        this.prevTicks = cpu.getSystemCpuLoadTicks();
        this.prevCoreTicks = cpu.getProcessorCpuLoadTicks();
        refreshLists();
    }

    /** Re-reads which file systems and interfaces exist (they change rarely). */
    public void refreshLists() {
        Map<String, java.nio.file.FileStore> byMount = new LinkedHashMap<>();
        for (OSFileStore fs : Inventories.disks(os)) {
            try {
                byMount.put(fs.getMount(), java.nio.file.Files.getFileStore(java.nio.file.Path.of(fs.getMount())));
            } catch (java.io.IOException | RuntimeException e) {
                LOG.log(Level.FINE, "no file store for " + fs.getMount(), e);
            }
        }
        stores = byMount;
        double t = sensors.getCpuTemperature();
        hasTemperature = t > 0 && Double.isFinite(t);
        interfaces = Inventories.interfaces(hal);
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
        long[] ticks = cpu.getSystemCpuLoadTicks();
        put(v, "cpu.total_pct", pct(cpu.getSystemCpuLoadBetweenTicks(prevTicks)));
        prevTicks = ticks;
        long[][] coreTicks = cpu.getProcessorCpuLoadTicks();
        double[] cores = cpu.getProcessorCpuLoadBetweenTicks(prevCoreTicks);
        prevCoreTicks = coreTicks;
        for (int i = 0; i < cores.length && i < 128; i++) {
            put(v, "cpu.core." + i + "_pct", pct(cores[i]));
        }
        double[] load = cpu.getSystemLoadAverage(3);
        put(v, "load.1m", load[0]);
        put(v, "load.5m", load[1]);
        put(v, "load.15m", load[2]);
        long total = memory.getTotal();
        long used = total - memory.getAvailable();
        put(v, "mem.total_bytes", total);
        put(v, "mem.used_bytes", used);
        if (total > 0) {
            put(v, "mem.used_pct", 100.0 * used / total);
        }
        put(v, "swap.total_bytes", swap.getSwapTotal());
        put(v, "swap.used_bytes", swap.getSwapUsed());
        for (Map.Entry<String, java.nio.file.FileStore> fs : stores.entrySet()) {
            long t;
            long u;
            try {
                t = fs.getValue().getTotalSpace();
                u = t - fs.getValue().getUsableSpace();
            } catch (java.io.IOException e) {
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
        for (NetworkIF n : interfaces) {
            if (!n.updateAttributes()) {
                continue;
            }
            String name = "net." + Inventories.metricSegment(n.getName());
            long rx = n.getBytesRecv();
            long tx = n.getBytesSent();
            put(v, name + ".rx_bytes", rx);
            put(v, name + ".tx_bytes", tx);
            long[] prev = prevNet.put(n.getName(), new long[]{rx, tx});
            if (prev != null && seconds > 0 && rx >= prev[0] && tx >= prev[1]) {
                put(v, name + ".rx_bytes_per_s", (rx - prev[0]) / seconds);
                put(v, name + ".tx_bytes_per_s", (tx - prev[1]) / seconds);
            }
        }
        prevNetNanos = now;
        double temp = hasTemperature ? sensors.getCpuTemperature() : Double.NaN;
        if (temp > 0 && Double.isFinite(temp)) {
            put(v, "temp.cpu_c", temp);
        }
        put(v, "proc.count", os.getProcessCount());
        put(v, "uptime.s", os.getSystemUptime());
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
