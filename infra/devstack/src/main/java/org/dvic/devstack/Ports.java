package org.dvic.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Free loopback ports for engines started by tests, so tests never collide with a running local stack. */
public final class Ports {
    /** Where the kernel starts handing out ports for outgoing connections (read once). */
    static final int FIRST_EPHEMERAL_PORT = firstEphemeralPort();

    private Ports() {
    }

    public static int free() {
        return free(1)[0];
    }

    /**
     * {@code n} different free ports: each is held until all are chosen, since the kernel may hand
     * a port just released by {@link #free()} out again (Kafka then refused two listeners on one port).
     * They are taken below the kernel's ephemeral range: an engine restarted on its port by a test
     * (Kafka, Cassandra outages) must not find it taken by some client's outgoing connection meanwhile.
     */
    public static int[] free(int n) {
        List<ServerSocket> held = new ArrayList<>();
        try {
            int[] ports = new int[n];
            int low = 20_000;
            int high = Math.max(low + 1_000, FIRST_EPHEMERAL_PORT);
            for (int i = 0, tries = 0; i < n; tries++) {
                if (tries > 10_000) {
                    throw new IOException("no free port in " + low + "-" + (high - 1));
                }
                ServerSocket socket = new ServerSocket();
                try {
                    socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                            ThreadLocalRandom.current().nextInt(low, high)), 1);
                } catch (IOException inUse) {
                    socket.close();
                    continue;
                }
                held.add(socket);
                ports[i++] = socket.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        } finally {
            for (ServerSocket s : held) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // released either way
                }
            }
        }
    }

    /** The first port of Linux's ephemeral range (32768 by default). */
    private static int firstEphemeralPort() {
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range"));
            return Integer.parseInt(range.trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }

    public static boolean listening(int port) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
