package org.dvic.devstack;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChildProcessTest {
    @TempDir
    Path dir;

    @Test
    void stopLeavesNoMemberOfTheGroupBehind() throws Exception {
        // Given a child that itself forks a grandchild
        ChildProcess child = ChildProcess.start("sleepers", List.of("bash", "-c", "sleep 300 & sleep 300"), Map.of(),
                dir, dir.resolve("out.log"));
        long group = child.pid();
        await().atMost(Duration.ofSeconds(5)).until(() -> groupMembers(group) >= 3);
        // When it is stopped
        child.stop(Duration.ofSeconds(5));
        // Then nothing of its process group is left
        assertFalse(child.isAlive());
        await().atMost(Duration.ofSeconds(5)).until(() -> groupMembers(group) == 0);
    }

    @Test
    void theWatchdogStopsTheServerWhenItsParentDies() throws Exception {
        // Given a stand-in parent process and a server watched on its behalf
        Process parent = new ProcessBuilder("sleep", "300").start();
        ChildProcess child = ChildProcess.start("orphan", List.of("sleep", "300"), Map.of(), dir, dir.resolve("o.log"),
                parent.pid());
        long group = child.pid();
        await().atMost(Duration.ofSeconds(5)).until(() -> groupMembers(group) >= 2);
        assertTrue(child.isAlive());
        // When the parent dies abruptly (as a build JVM killed with SIGKILL)
        parent.destroyForcibly().waitFor();
        // Then the server's whole group is gone within a few seconds
        await().atMost(Duration.ofSeconds(10)).until(() -> groupMembers(group) == 0);
    }

    /** Live processes whose process group is {@code group} (from /proc, field 5 of stat). */
    static long groupMembers(long group) {
        return ProcessHandle.allProcesses().filter(p -> {
            try {
                String stat = java.nio.file.Files.readString(Path.of("/proc", String.valueOf(p.pid()), "stat"));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return Long.parseLong(fields[2]) == group && !"Z".equals(fields[0]);
            } catch (Exception e) {
                return false;
            }
        }).count();
    }
}
