package org.dvic.agent.collect;

import org.dvic.protocol.Limits;
import org.dvic.protocol.event.Inventory;
import oshi.SystemInfo;
import oshi.hardware.HardwareAbstractionLayer;
import oshi.hardware.NetworkIF;
import oshi.software.os.OSFileStore;
import oshi.software.os.OperatingSystem;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** The node's static facts through OSHI, and the filters shared with the metrics. */
public final class Inventories {
    /** File systems that are not disks a person cares about. */
    private static final Set<String> PSEUDO_FS = Set.of("tmpfs", "devtmpfs", "squashfs", "overlay", "ramfs",
            "proc", "sysfs", "cgroup", "cgroup2", "nsfs", "autofs", "fuse.snapfuse", "efivarfs");

    private Inventories() {
    }

    /** What an inventory says, without seq and time: equal facts give equal values. */
    public record Facts(String hostname, String os, String kernel, String cpuModel, int cores, long memoryBytes,
                        List<Inventory.Disk> disks, List<Inventory.NetworkInterface> interfaces) {
        public Inventory toEvent(UUID nodeId, long seq, long ts, String agentVersion, boolean exec, boolean terminal) {
            return new Inventory(nodeId, seq, ts, hostname, os, kernel, cpuModel, cores, memoryBytes, disks, interfaces,
                    agentVersion, exec, terminal);
        }
    }

    public static Facts facts(SystemInfo si) {
        OperatingSystem os = si.getOperatingSystem();
        HardwareAbstractionLayer hal = si.getHardware();
        String host = os.getNetworkParams().getHostName();
        if (host == null || host.isBlank()) {
            host = "unknown";
        }
        List<Inventory.Disk> disks = new ArrayList<>();
        for (OSFileStore fs : disks(os)) {
            disks.add(new Inventory.Disk(cut(fs.getMount(), Limits.TEXT), cut(fs.getType(), Limits.NAME),
                    Math.max(0, fs.getTotalSpace())));
        }
        List<Inventory.NetworkInterface> ifs = new ArrayList<>();
        for (NetworkIF n : interfaces(hal)) {
            List<String> addresses = new ArrayList<>(List.of(n.getIPv4addr()));
            addresses.addAll(List.of(n.getIPv6addr()));
            String mac = n.getMacaddr();
            ifs.add(new Inventory.NetworkInterface(cut(n.getName(), Limits.NAME),
                    mac == null || mac.isBlank() ? null : mac, addresses));
        }
        int cores = Math.max(1, hal.getProcessor().getLogicalProcessorCount());
        return new Facts(cut(host, Limits.NAME), cut(os.toString(), Limits.TEXT),
                cut(String.valueOf(os.getVersionInfo().getBuildNumber()), Limits.TEXT),
                cut(hal.getProcessor().getProcessorIdentifier().getName().trim(), Limits.TEXT), cores,
                hal.getMemory().getTotal(), List.copyOf(disks), List.copyOf(ifs));
    }

    /** Local, real file systems. */
    static List<OSFileStore> disks(OperatingSystem os) {
        List<OSFileStore> out = new ArrayList<>();
        for (OSFileStore fs : os.getFileSystem().getFileStores(true)) {
            if (!PSEUDO_FS.contains(fs.getType()) && fs.getTotalSpace() > 0 && out.size() < 32) {
                out.add(fs);
            }
        }
        return out;
    }

    /** Interfaces other than loopback and containers' virtual ends. */
    static List<NetworkIF> interfaces(HardwareAbstractionLayer hal) {
        List<NetworkIF> out = new ArrayList<>();
        for (NetworkIF n : hal.getNetworkIFs(false)) {
            String name = n.getName();
            if (name.equals("lo") || name.startsWith("veth") || out.size() >= 16) {
                continue;
            }
            out.add(n);
        }
        return out;
    }

    /** A mount point or interface name as one segment of a metric name. */
    static String metricSegment(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length() && b.length() < 100; i++) {
            char c = s.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
                    || c == '/' || c == '-' || c == ':';
            b.append(ok ? c : '_');
        }
        return b.length() == 0 ? "_" : b.toString();
    }

    private static String cut(String s, int max) {
        if (s == null) {
            return "";
        }
        return s.length() <= max ? s : s.substring(0, max);
    }
}
