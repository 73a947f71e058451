package org.dvic.agent.command;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The ids of the last commands this node ran, kept on disk: a command delivered again (the gateway
 * resends after a reconnect) is not run twice. Bounded: the oldest ids are forgotten first.
 */
public final class SeenCommands {
    private final Path file;
    private final int capacity;
    private final ArrayDeque<UUID> order = new ArrayDeque<>();
    private final Set<UUID> ids = new HashSet<>();

    public SeenCommands(Path file, int capacity) throws IOException {
        this.file = file;
        this.capacity = capacity;
        if (Files.exists(file)) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
            for (String line : lines) {
                try {
                    remember(UUID.fromString(line.trim()));
                } catch (IllegalArgumentException ignored) {
                    // a torn last line
                }
            }
        }
    }

    /** True the first time an id is seen (and records it); false for a repeat. */
    public synchronized boolean firstTime(UUID id) {
        if (ids.contains(id)) {
            return false;
        }
        remember(id);
        try {
            if (order.size() >= capacity && Files.exists(file) && Files.size(file) > capacity * 2L * 37) {
                compact();
            } else {
                Files.writeString(file, id + "\n", StandardCharsets.US_ASCII, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            }
        } catch (IOException e) {
            // still refused in memory for this run
        }
        return true;
    }

    private void remember(UUID id) {
        if (ids.add(id)) {
            order.addLast(id);
            while (order.size() > capacity) {
                ids.remove(order.removeFirst());
            }
        }
    }

    private void compact() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (UUID id : order) {
            sb.append(id).append('\n');
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, sb, StandardCharsets.US_ASCII);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
