package org.dvic.agent.collect;

import org.dvic.protocol.Limits;
import org.dvic.protocol.event.Inventory;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

/** The node's static facts from {@link LinuxHost}, and the interface filter shared with the metrics. */
public final class Inventories {
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

    public static Facts facts(LinuxHost host) {
        String name = host.hostname();
        List<Inventory.Disk> disks = new ArrayList<>();
        for (LinuxHost.Mount m : host.localDisks()) {
            long total;
            try {
                total = Files.getFileStore(Path.of(m.mountPoint())).getTotalSpace();
            } catch (IOException | RuntimeException e) {
                continue; // mounted where this process cannot look (another mount namespace)
            }
            if (total > 0) {
                disks.add(new Inventory.Disk(cut(m.mountPoint(), Limits.TEXT), cut(m.type(), Limits.NAME), total));
            }
        }
        List<Inventory.NetworkInterface> ifs = new ArrayList<>();
        for (String iface : interfaces(host.networkCounters().keySet())) {
            ifs.add(new Inventory.NetworkInterface(cut(iface, Limits.NAME), host.macAddress(iface), addresses(iface)));
        }
        int cores = Math.max(1, host.cpuTicks().cores().size());
        long memory = Math.max(0, host.memory().total());
        return new Facts(cut(name.isBlank() ? "unknown" : name, Limits.NAME), cut(host.osName(), Limits.TEXT),
                cut(host.kernelRelease(), Limits.TEXT), cut(host.cpuModel(), Limits.TEXT), cores, memory,
                List.copyOf(disks), List.copyOf(ifs));
    }

    /** Interfaces other than loopback and containers' virtual ends, at most 16. */
    static List<String> interfaces(Collection<String> names) {
        List<String> out = new ArrayList<>();
        for (String name : names) {
            if (!name.equals("lo") && !name.startsWith("veth") && out.size() < 16) {
                out.add(name);
            }
        }
        return out;
    }

    /** An interface's IPv4 then IPv6 addresses, without the IPv6 scope suffix. */
    private static List<String> addresses(String iface) {
        List<String> v4 = new ArrayList<>();
        List<String> v6 = new ArrayList<>();
        try {
            NetworkInterface ni = NetworkInterface.getByName(iface);
            for (InetAddress a : ni == null ? List.<InetAddress>of() : Collections.list(ni.getInetAddresses())) {
                String text = a.getHostAddress();
                int scope = text.indexOf('%');
                (a instanceof Inet6Address ? v6 : v4).add(scope < 0 ? text : text.substring(0, scope));
            }
        } catch (SocketException e) {
            return List.of();
        }
        v4.addAll(v6);
        return v4;
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
