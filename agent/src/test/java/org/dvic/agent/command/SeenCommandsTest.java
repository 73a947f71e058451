package org.dvic.agent.command;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SeenCommandsTest {
    @Test
    void aCommandIdRunsOnceAlsoAfterARestart(@TempDir Path dir) throws IOException {
        UUID id = UUID.randomUUID();
        SeenCommands seen = new SeenCommands(dir.resolve("seen"), 100);
        assertTrue(seen.firstTime(id));
        assertFalse(seen.firstTime(id));

        SeenCommands again = new SeenCommands(dir.resolve("seen"), 100);

        assertFalse(again.firstTime(id));
    }

    @Test
    void theOldestIdsAreForgottenFirst(@TempDir Path dir) throws IOException {
        SeenCommands seen = new SeenCommands(dir.resolve("seen"), 10);
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            UUID id = UUID.randomUUID();
            ids.add(id);
            seen.firstTime(id);
        }

        SeenCommands reloaded = new SeenCommands(dir.resolve("seen"), 10);

        assertFalse(reloaded.firstTime(ids.get(49)), "recent ids are remembered");
        assertTrue(reloaded.firstTime(ids.get(0)), "old ids are forgotten");
    }
}
