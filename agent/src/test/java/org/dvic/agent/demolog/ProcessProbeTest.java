package org.dvic.agent.demolog;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProcessProbeTest {
    private static final String STAT = "%d (%s) %s 1 4242 4242 0 -1 4194560 1234 0 0 0 10 5 0 0 20 0 1 0 %d "
            + "123456 789 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";

    @Test
    void startTimeIsField22EvenWhenTheCommandHasSpacesAndParentheses() {
        assertEquals(812345L, ProcessProbe.parseStartTime(STAT.formatted(4242, "my (demo) x", "S", 812345)));
    }

    @Test
    void aZombieCountsAsExited() {
        assertNull(ProcessProbe.parseStartTime(STAT.formatted(4242, "demo", "Z", 812345)));
    }

    @Test
    void aReusedPidIsNotTheSameProcess(@TempDir Path proc) throws IOException {
        Files.createDirectories(proc.resolve("4242"));
        Files.writeString(proc.resolve("4242/stat"), STAT.formatted(4242, "other", "S", 999999));

        assertFalse(ProcessProbe.isAlive(proc, 4242, 812345L), "same pid, other start time");
        assertTrue(ProcessProbe.isAlive(proc, 4242, 999999L));
        assertTrue(ProcessProbe.isAlive(proc, 4242, null), "no start time to compare: the pid decides");
        assertFalse(ProcessProbe.isAlive(proc, 4343, null), "no such pid");
    }

    @Test
    void thisJvmIsAlive() {
        long pid = ProcessHandle.current().pid();
        Long start = ProcessProbe.startTime(Path.of("/proc"), pid);

        assertTrue(start != null && ProcessProbe.isAlive(Path.of("/proc"), pid, start));
    }
}
