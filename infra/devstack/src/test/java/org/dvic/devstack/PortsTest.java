package org.dvic.devstack;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PortsTest {
    @Test
    void portsAreDistinctFreeAndOutsideTheEphemeralRange() throws Exception {
        int ephemeral = Ports.FIRST_EPHEMERAL_PORT;
        int[] ports = Ports.free(5);
        assertEquals(5, Arrays.stream(ports).distinct().count());
        for (int port : ports) {
            assertTrue(port >= 20_000 && port < Math.max(21_000, ephemeral), port + " is in the ephemeral range");
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)); // free to listen on
            }
        }
    }
}
