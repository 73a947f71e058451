package org.dvic.agent.collect;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The /proc and /sys readers on fixture files written as Linux writes them, and on this machine. */
class LinuxHostTest {
    private static final String STAT_1 = """
            cpu  100 0 100 700 100 0 0 0 50 0
            cpu0 50 0 50 350 50 0 0 0 25 0
            cpu1 50 0 50 350 50 0 0 0 25 0
            intr 12345 0 0
            ctxt 999
            processes 4242
            """;
    private static final String STAT_2 = """
            cpu  250 0 150 900 100 0 0 0 50 0
            cpu0 150 0 100 350 50 0 0 0 25 0
            cpu1 100 0 50 550 50 0 0 0 25 0
            """;

    @Test
    void cpuBusyIsEverythingButIdleAndIowaitAndGuestIsNotCountedTwice() {
        LinuxHost.CpuTicks a = LinuxHost.parseCpuTicks(STAT_1);
        LinuxHost.CpuTicks b = LinuxHost.parseCpuTicks(STAT_2);
        assertEquals(new LinuxHost.Ticks(200, 1000), a.all());
        assertEquals(List.of(0, 1), List.copyOf(a.cores().keySet()));
        assertEquals(200.0 / 400.0, b.all().busyFractionSince(a.all()), 1e-9);
        assertEquals(1.0, b.cores().get(0).busyFractionSince(a.cores().get(0)), 1e-9);
        assertEquals(50.0 / 250.0, b.cores().get(1).busyFractionSince(a.cores().get(1)), 1e-9);
        assertTrue(Double.isNaN(a.all().busyFractionSince(a.all())), "no time passed: no reading");
    }

    @Test
    void memoryIsInBytesAndOldKernelsWithoutMemAvailableAreEstimated() {
        LinuxHost.Memory m = LinuxHost.parseMemory("""
                MemTotal:        8000000 kB
                MemFree:         1000000 kB
                MemAvailable:    5000000 kB
                Buffers:          100000 kB
                Cached:          2000000 kB
                SwapTotal:       2000000 kB
                SwapFree:        1500000 kB
                HugePages_Total:       0
                """);
        assertEquals(new LinuxHost.Memory(8_192_000_000L, 5_120_000_000L, 2_048_000_000L, 1_536_000_000L), m);
        LinuxHost.Memory old = LinuxHost.parseMemory("MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 10 kB\nCached: 200 kB\n");
        assertEquals(310 * 1024L, old.available());
        assertEquals(-1, old.swapTotal(), "no swap line: unknown, not 0");
        assertEquals(-1, LinuxHost.parseMemory("").total());
    }

    @Test
    void networkCountersAreReceivedAndSentBytesByInterface() {
        Map<String, long[]> net = LinuxHost.parseNetDev("""
                Inter-|   Receive                                                |  Transmit
                 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
                    lo:  5000      50    0    0    0     0          0         0     5000      50    0    0    0     0       0          0
                  eth0:123456789 1000    0    0    0     0          0         0 987654321    900    0    0    0     0       0          0
                """);
        assertEquals(List.of("lo", "eth0"), List.copyOf(net.keySet()));
        assertArrayEquals(new long[]{123_456_789L, 987_654_321L}, net.get("eth0"));
        assertEquals(List.of("eth0", "wlp2s0"), Inventories.interfaces(List.of("lo", "eth0", "veth12ab", "wlp2s0")));
    }

    @Test
    void localDisksAreBlockDevicesOnceEachWithEscapedPathsDecoded() {
        List<LinuxHost.Mount> disks = LinuxHost.parseLocalDisks("""
                proc /proc proc rw,relatime 0 0
                /dev/nvme0n1p2 / ext4 rw,relatime 0 0
                tmpfs /run tmpfs rw 0 0
                /dev/nvme0n1p1 /boot/efi vfat rw 0 0
                /dev/loop3 /snap/core/123 squashfs ro 0 0
                /dev/sdb1 /media/demo\\040files ext4 rw 0 0
                /dev/nvme0n1p2 /var/lib/docker/overlay2 ext4 rw 0 0
                tank/data /tank zfs rw 0 0
                server:/export /mnt/nfs nfs4 rw 0 0
                """);
        assertEquals(List.of(new LinuxHost.Mount("/dev/nvme0n1p2", "/", "ext4"),
                new LinuxHost.Mount("/dev/nvme0n1p1", "/boot/efi", "vfat"),
                new LinuxHost.Mount("/dev/sdb1", "/media/demo files", "ext4"),
                new LinuxHost.Mount("tank/data", "/tank", "zfs")), disks);
    }

    @Test
    void cpuModelOnX86AndOnArmBoards() {
        assertEquals("Intel(R) Core(TM) i5-8500 CPU @ 3.00GHz", LinuxHost.parseCpuModel(
                "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Core(TM) i5-8500 CPU @ 3.00GHz\n"));
        assertEquals("Raspberry Pi 4 Model B Rev 1.4", LinuxHost.parseCpuModel(
                "processor\t: 0\nBogoMIPS\t: 108.00\n\nHardware\t: BCM2835\nModel\t\t: Raspberry Pi 4 Model B Rev 1.4\n"));
        assertEquals("BCM2835", LinuxHost.parseCpuModel("processor\t: 0\nHardware\t: BCM2835\n"));
        assertEquals("unknown", LinuxHost.parseCpuModel(""));
    }

    @Test
    void theCpuSensorIsFoundByDriverThenByThermalZoneAndAbsentWithoutOne(@TempDir Path root) throws IOException {
        LinuxHost host = new LinuxHost(root);
        assertNull(host.cpuTemperatureInput(), "a VM: no sensor, no reading");
        assertTrue(Double.isNaN(host.temperature(null)));
        write(root, "sys/class/thermal/thermal_zone0/type", "acpitz\n");
        write(root, "sys/class/thermal/thermal_zone0/temp", "27800\n");
        write(root, "sys/class/thermal/thermal_zone1/type", "x86_pkg_temp\n");
        write(root, "sys/class/thermal/thermal_zone1/temp", "51000\n");
        assertEquals(51.0, host.temperature(host.cpuTemperatureInput()));
        write(root, "sys/class/hwmon/hwmon0/name", "nvme\n");
        write(root, "sys/class/hwmon/hwmon0/temp1_input", "38850\n");
        write(root, "sys/class/hwmon/hwmon1/name", "coretemp\n");
        write(root, "sys/class/hwmon/hwmon1/temp1_input", "47500\n");
        assertEquals(47.5, host.temperature(host.cpuTemperatureInput()));
        write(root, "sys/class/hwmon/hwmon1/temp1_input", "0\n");
        assertTrue(Double.isNaN(host.temperature(host.cpuTemperatureInput())), "0 °C is no reading");
    }

    @Test
    void staticFactsAndCountsFromTheFixtureTree(@TempDir Path root) throws IOException {
        LinuxHost host = new LinuxHost(root);
        assertEquals("Linux", host.osName());
        assertEquals(-1, host.processCount(), "no /proc: unknown");
        write(root, "etc/os-release", "NAME=\"Ubuntu\"\nPRETTY_NAME=\"Ubuntu 24.04.1 LTS\"\nID=ubuntu\n");
        write(root, "proc/sys/kernel/hostname", "demo-07\n");
        write(root, "proc/sys/kernel/osrelease", "6.8.0-45-generic\n");
        write(root, "proc/loadavg", "0.52 0.58 0.59 2/1234 56789\n");
        write(root, "proc/uptime", "12345.67 45678.90\n");
        write(root, "proc/1/stat", "");
        write(root, "proc/42/stat", "");
        write(root, "proc/self/stat", "");
        write(root, "sys/class/net/eth0/address", "52:54:00:12:34:56\n");
        write(root, "sys/class/net/tun0/address", "00:00:00:00:00:00\n");
        assertEquals("Ubuntu 24.04.1 LTS", host.osName());
        assertEquals("demo-07", host.hostname());
        assertEquals("6.8.0-45-generic", host.kernelRelease());
        assertArrayEquals(new double[]{0.52, 0.58, 0.59}, host.loadAverage());
        assertEquals(12345.67, host.uptimeSeconds());
        assertEquals(2, host.processCount(), "numbered entries only");
        assertEquals("52:54:00:12:34:56", host.macAddress("eth0"));
        assertNull(host.macAddress("tun0"));
        assertNull(host.macAddress("nope"));
    }

    @Test
    void aSampleFromTheFixtureTreeHasRatesAndLeavesOutWhatIsMissing(@TempDir Path root) throws IOException {
        write(root, "proc/stat", STAT_1);
        write(root, "proc/meminfo", "MemTotal: 1000 kB\nMemAvailable: 250 kB\n");
        write(root, "proc/net/dev", "h\nh\n  eth0: 1000 0 0 0 0 0 0 0 2000 0 0 0 0 0 0 0\n");
        write(root, "proc/mounts", "/dev/vda / ext4 rw 0 0\n");
        MetricsCollector collector = new MetricsCollector(new LinuxHost(root), null); // sample() only: no sink
        write(root, "proc/stat", STAT_2);
        write(root, "proc/net/dev", "h\nh\n  eth0: 3000 0 0 0 0 0 0 0 2000 0 0 0 0 0 0 0\n");
        Map<String, Double> v = collector.sample();
        assertEquals(50.0, v.get("cpu.total_pct"));
        assertEquals(100.0, v.get("cpu.core.0_pct"));
        assertEquals(20.0, v.get("cpu.core.1_pct"));
        assertEquals(1024000.0, v.get("mem.total_bytes"));
        assertEquals(75.0, v.get("mem.used_pct"));
        assertEquals(3000.0, v.get("net.eth0.rx_bytes"));
        assertFalse(v.containsKey("net.eth0.rx_bytes_per_s"), "no earlier reading to make a rate from");
        assertTrue(v.get("disk./.total_bytes") > 0, "the real root file system's size: " + v.keySet());
        write(root, "proc/net/dev", "h\nh\n  eth0: 5000 0 0 0 0 0 0 0 2000 0 0 0 0 0 0 0\n");
        v = collector.sample();
        assertTrue(v.get("net.eth0.rx_bytes_per_s") > 0);
        assertEquals(0.0, v.get("net.eth0.tx_bytes_per_s"));
        assertFalse(v.containsKey("cpu.total_pct"), "no ticks passed: no reading rather than a made-up 0");
        for (String absent : List.of("temp.cpu_c", "swap.total_bytes", "load.1m", "proc.count", "uptime.s")) {
            assertFalse(v.containsKey(absent), absent + " is not on this fixture machine, so it is absent, not 0");
        }
    }

    @Test
    void thisMachineGivesEveryReadingTheAgentNeeds() throws InterruptedException {
        LinuxHost host = LinuxHost.system();
        LinuxHost.CpuTicks ticks = host.cpuTicks();
        assertNotNull(ticks.all());
        assertFalse(ticks.cores().isEmpty());
        assertTrue(host.memory().total() > 0);
        assertTrue(host.uptimeSeconds() > 0);
        assertTrue(host.processCount() > 0);
        assertNotNull(host.loadAverage());
        assertFalse(host.hostname().isBlank());
        assertFalse(host.kernelRelease().isBlank());
        Inventories.Facts facts = Inventories.facts(host);
        assertEquals(ticks.cores().size(), facts.cores());
        assertTrue(facts.memoryBytes() > 0);
    }

    private static void write(Path root, String relative, String text) throws IOException {
        Path p = root.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }
}
