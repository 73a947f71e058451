package org.dvic.agent.collect;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The machine's state as Linux writes it in {@code /proc}, {@code /sys} and {@code /etc}, read under
 * a root directory: the machine's {@code /} in service, a fixture tree in tests. Each reading is one
 * small text file, which is why the agent reads them itself instead of through OSHI (ADR 0004).
 * A file that is missing or unreadable gives an empty reading, never an exception: a machine
 * without swap, sensors or a journal is normal.
 */
public final class LinuxHost {
    /** hwmon drivers that measure the CPU package, in order of preference. */
    private static final List<String> CPU_HWMON = List.of("coretemp", "k10temp", "zenpower", "cpu_thermal",
            "cpu-thermal", "soc_thermal");
    /** thermal zone types that measure the CPU, in order of preference (acpitz is the board's guess). */
    private static final List<String> CPU_ZONES = List.of("x86_pkg_temp", "cpu-thermal", "cpu_thermal",
            "soc_thermal", "cpu", "acpitz");

    private final Path root;

    public LinuxHost(Path root) {
        this.root = root;
    }

    public static LinuxHost system() {
        return new LinuxHost(Path.of("/"));
    }

    /** Busy and total jiffies of one CPU (or of all) since boot. */
    public record Ticks(long busy, long total) {
        /** The busy fraction (0..1) between an earlier reading and this one; NaN when no time passed. */
        public double busyFractionSince(Ticks earlier) {
            long dt = total - earlier.total;
            long db = busy - earlier.busy;
            return dt <= 0 || db < 0 ? Double.NaN : Math.min(1.0, (double) db / dt);
        }
    }

    /** All CPUs together, and each logical CPU by its number. */
    public record CpuTicks(Ticks all, Map<Integer, Ticks> cores) {
    }

    /** A mounted local file system: the device, where it is mounted, and its type. */
    public record Mount(String device, String mountPoint, String type) {
    }

    /** Memory and swap in bytes; {@code available} is what programs can still get without swapping. */
    public record Memory(long total, long available, long swapTotal, long swapFree) {
    }

    public CpuTicks cpuTicks() {
        return parseCpuTicks(read("proc/stat"));
    }

    /** The 1, 5 and 15 minute load averages, or null when unknown. */
    public double[] loadAverage() {
        String[] f = fields(read("proc/loadavg"));
        if (f.length < 3) {
            return null;
        }
        try {
            return new double[]{Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2])};
        } catch (NumberFormatException e) {
            return null;
        }
    }

    public Memory memory() {
        return parseMemory(read("proc/meminfo"));
    }

    /** Received and sent byte counters by interface name, in the kernel's order. */
    public Map<String, long[]> networkCounters() {
        return parseNetDev(read("proc/net/dev"));
    }

    /** Processes (not threads) running now. */
    public int processCount() {
        int n = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root.resolve("proc"))) {
            for (Path p : entries) {
                if (isNumber(p.getFileName().toString())) {
                    n++;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return n;
    }

    /** Seconds since boot, or NaN. */
    public double uptimeSeconds() {
        String[] f = fields(read("proc/uptime"));
        try {
            return f.length == 0 ? Double.NaN : Double.parseDouble(f[0]);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** Local disks: block-device (or ZFS) mounts, each device once, at most 32. */
    public List<Mount> localDisks() {
        return parseLocalDisks(read("proc/mounts"));
    }

    /**
     * The file that holds the CPU temperature in millidegrees Celsius, or null where the machine
     * has no such sensor (a VM, most containers). Found once: searching reads many files.
     */
    public Path cpuTemperatureInput() {
        Map<String, Path> hwmon = new LinkedHashMap<>();
        for (Path dir : list(root.resolve("sys/class/hwmon"))) {
            hwmon.putIfAbsent(read(dir.resolve("name")).trim(), dir);
        }
        for (String driver : CPU_HWMON) {
            Path dir = hwmon.get(driver);
            if (dir != null) {
                for (int i = 1; i <= 8; i++) {
                    Path input = dir.resolve("temp" + i + "_input");
                    if (Files.isReadable(input)) {
                        return input;
                    }
                }
            }
        }
        Map<String, Path> zones = new LinkedHashMap<>();
        for (Path dir : list(root.resolve("sys/class/thermal"))) {
            if (dir.getFileName().toString().startsWith("thermal_zone")) {
                zones.putIfAbsent(read(dir.resolve("type")).trim(), dir.resolve("temp"));
            }
        }
        for (String type : CPU_ZONES) {
            if (zones.containsKey(type)) {
                return zones.get(type);
            }
        }
        return null;
    }

    /** Degrees Celsius from a sensor file; NaN when it cannot be read or says nothing real (0 or below). */
    public double temperature(Path input) {
        if (input == null) {
            return Double.NaN;
        }
        try {
            double c = Long.parseLong(read(input).trim()) / 1000.0;
            return c > 0 ? c : Double.NaN;
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    public String hostname() {
        return read("proc/sys/kernel/hostname").trim();
    }

    public String kernelRelease() {
        return read("proc/sys/kernel/osrelease").trim();
    }

    /** The distribution's name and version ({@code PRETTY_NAME} of os-release), or "Linux". */
    public String osName() {
        String text = read("etc/os-release");
        if (text.isEmpty()) {
            text = read("usr/lib/os-release");
        }
        for (String line : text.split("\n")) {
            if (line.startsWith("PRETTY_NAME=")) {
                String v = line.substring("PRETTY_NAME=".length()).trim();
                if (v.length() >= 2 && (v.charAt(0) == '"' || v.charAt(0) == '\'') && v.charAt(v.length() - 1) == v.charAt(0)) {
                    v = v.substring(1, v.length() - 1);
                }
                return v.isBlank() ? "Linux" : v;
            }
        }
        return "Linux";
    }

    /** The CPU's model name (x86 {@code model name}, ARM {@code Model} or {@code Hardware}), or "unknown". */
    public String cpuModel() {
        return parseCpuModel(read("proc/cpuinfo"));
    }

    /** An interface's hardware address, or null (none, or all zeros as for tunnels). */
    public String macAddress(String iface) {
        String mac = read("sys/class/net/" + iface + "/address").trim();
        return mac.isEmpty() || mac.replace(":", "").chars().allMatch(c -> c == '0') ? null : mac;
    }

    static CpuTicks parseCpuTicks(String stat) {
        Ticks all = null;
        Map<Integer, Ticks> cores = new TreeMap<>();
        for (String line : stat.split("\n")) {
            if (!line.startsWith("cpu")) {
                continue;
            }
            String[] f = fields(line);
            if (f.length < 5) {
                continue;
            }
            // user nice system idle iowait irq softirq steal (guest time is already in user and nice)
            long total = 0;
            for (int i = 1; i < Math.min(f.length, 9); i++) {
                total += parseLong(f[i]);
            }
            long idle = parseLong(f[4]) + (f.length > 5 ? parseLong(f[5]) : 0);
            Ticks t = new Ticks(total - idle, total);
            String name = f[0];
            if (name.equals("cpu")) {
                all = t;
            } else if (isNumber(name.substring(3))) {
                cores.put(Integer.parseInt(name.substring(3)), t);
            }
        }
        return new CpuTicks(all, cores);
    }

    static Memory parseMemory(String meminfo) {
        Map<String, Long> kb = new LinkedHashMap<>();
        for (String line : meminfo.split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                String[] f = fields(line.substring(colon + 1));
                if (f.length > 0 && isNumber(f[0])) {
                    kb.put(line.substring(0, colon), Long.parseLong(f[0]));
                }
            }
        }
        long total = kb.getOrDefault("MemTotal", -1L);
        // kernels before 3.14 have no MemAvailable: free + page cache is the usual estimate
        long available = kb.containsKey("MemAvailable") ? kb.get("MemAvailable")
                : kb.getOrDefault("MemFree", 0L) + kb.getOrDefault("Buffers", 0L) + kb.getOrDefault("Cached", 0L);
        return new Memory(bytes(total), bytes(total < 0 ? -1 : available), bytes(kb.getOrDefault("SwapTotal", -1L)),
                bytes(kb.getOrDefault("SwapFree", -1L)));
    }

    static Map<String, long[]> parseNetDev(String netDev) {
        Map<String, long[]> out = new LinkedHashMap<>();
        for (String line : netDev.split("\n")) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue; // the two header lines
            }
            String[] f = fields(line.substring(colon + 1));
            if (f.length >= 9 && isNumber(f[0]) && isNumber(f[8])) {
                out.put(line.substring(0, colon).trim(), new long[]{parseLong(f[0]), parseLong(f[8])});
            }
        }
        return out;
    }

    static List<Mount> parseLocalDisks(String mounts) {
        List<Mount> out = new ArrayList<>();
        Set<String> devices = new HashSet<>();
        for (String line : mounts.split("\n")) {
            String[] f = fields(line);
            if (f.length < 3 || out.size() >= 32) {
                continue;
            }
            String type = f[2];
            boolean local = f[0].startsWith("/dev/") && !type.equals("squashfs") || type.equals("zfs");
            // a device mounted again (bind mounts, containers' views) is the same disk
            if (local && devices.add(f[0])) {
                out.add(new Mount(f[0], unescapeMount(f[1]), type));
            }
        }
        return out;
    }

    static String parseCpuModel(String cpuinfo) {
        String fallback = null;
        for (String line : cpuinfo.split("\n")) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String key = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            if (value.isEmpty()) {
                continue;
            }
            if (key.equals("model name") || key.equals("Model")) {
                return value;
            }
            if (fallback == null && (key.equals("Hardware") || key.equals("cpu model") || key.equals("cpu"))) {
                fallback = value;
            }
        }
        return fallback == null ? "unknown" : fallback;
    }

    /** /proc/mounts writes space, tab, newline and backslash in paths as octal escapes ({@code \040}). */
    static String unescapeMount(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && isOctal(s, i + 1)) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static boolean isOctal(String s, int from) {
        if (from + 3 > s.length()) {
            return false;
        }
        for (int i = from; i < from + 3; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '7') {
                return false;
            }
        }
        return true;
    }

    private String read(String relative) {
        return read(root.resolve(relative));
    }

    private static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static List<Path> list(Path dir) {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            entries.forEach(out::add);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
        out.sort(null); // hwmon0 before hwmon1: the same sensor every time
        return out;
    }

    /** Whitespace-separated fields, without a regex (these are read every second). */
    static String[] fields(String s) {
        List<String> out = new ArrayList<>(16);
        int i = 0;
        int n = s.length();
        while (i < n) {
            while (i < n && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < n && !Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            if (i > start) {
                out.add(s.substring(start, i));
            }
        }
        return out.toArray(new String[0]);
    }

    private static boolean isNumber(String s) {
        if (s.isEmpty() || s.length() > 18) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static long parseLong(String s) {
        return isNumber(s) ? Long.parseLong(s) : 0;
    }

    private static long bytes(long kb) {
        return kb < 0 ? -1 : kb * 1024;
    }
}
