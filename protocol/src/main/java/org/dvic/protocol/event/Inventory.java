package org.dvic.protocol.event;

import org.dvic.protocol.Check;
import org.dvic.protocol.Limits;
import org.dvic.protocol.Nullable;

import java.util.List;
import java.util.UUID;

/** The node's static facts, sent at agent start and whenever one of them changes. */
public record Inventory(UUID nodeId, long seq, long ts, String hostname, String os, String kernel,
                        String cpuModel, int cores, long memoryBytes, List<Disk> disks,
                        List<NetworkInterface> interfaces, String agentVersion,
                        boolean remoteExecAllowed, boolean terminalAllowed) implements NodeEvent {
    public static final String TYPE = "inventory";

    public Inventory {
        Check.required(nodeId, "nodeId");
        Check.nonNegative(seq, "seq");
        Check.nonNegative(ts, "ts");
        Check.nonBlank(hostname, "hostname", Limits.NAME);
        Check.text(os, "os", Limits.TEXT);
        Check.text(kernel, "kernel", Limits.TEXT);
        Check.text(cpuModel, "cpuModel", Limits.TEXT);
        Check.positive(cores, "cores");
        Check.nonNegative(memoryBytes, "memoryBytes");
        disks = List.copyOf(Check.required(disks, "disks"));
        interfaces = List.copyOf(Check.required(interfaces, "interfaces"));
        Check.nonBlank(agentVersion, "agentVersion", Limits.NAME);
    }

    /** A mounted file system. */
    public record Disk(String mount, String fsType, long totalBytes) {
        public Disk {
            Check.text(mount, "mount", Limits.TEXT);
            Check.text(fsType, "fsType", Limits.NAME);
            Check.nonNegative(totalBytes, "totalBytes");
        }
    }

    /** A network interface with its addresses (IPv4 and IPv6, textual). */
    public record NetworkInterface(String name, @Nullable String mac, List<String> addresses) {
        public NetworkInterface {
            Check.nonBlank(name, "name", Limits.NAME);
            Check.optionalText(mac, "mac", Limits.NAME);
            addresses = List.copyOf(Check.required(addresses, "addresses"));
        }
    }
}
