package org.dvic.agent.connection;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackoffTest {
    @Test
    void delaysDoubleUpToTheMaximumWithJitterInTheUpperHalf() {
        Backoff b = new Backoff(100, 1600, new Random(1));
        long[] ceilings = {100, 200, 400, 800, 1600, 1600, 1600};
        for (long ceiling : ceilings) {
            long d = b.nextDelayMs();
            assertTrue(d >= ceiling / 2 && d <= ceiling, d + " not in [" + ceiling / 2 + ", " + ceiling + "]");
        }
    }

    @Test
    void resetStartsOverFromTheInitialDelay() {
        Backoff b = new Backoff(100, 10_000, new Random(2));
        for (int i = 0; i < 10; i++) {
            b.nextDelayMs();
        }
        b.reset();
        assertTrue(b.nextDelayMs() <= 100);
        assertEquals(1, b.attempts());
    }

    @Test
    void jitterSpreadsAFleet() {
        Random r = new Random(3);
        java.util.Set<Long> delays = new java.util.HashSet<>();
        for (int node = 0; node < 50; node++) {
            Backoff b = new Backoff(1000, 60_000, r);
            b.nextDelayMs();
            delays.add(b.nextDelayMs());
        }
        assertTrue(delays.size() > 25, "50 nodes should not retry in lock-step: " + delays.size() + " distinct");
    }

    @Test
    void manyAttemptsDoNotOverflow() {
        Backoff b = new Backoff(1, Long.MAX_VALUE / 4, new Random(4));
        for (int i = 0; i < 200; i++) {
            assertTrue(b.nextDelayMs() >= 0);
        }
    }
}
