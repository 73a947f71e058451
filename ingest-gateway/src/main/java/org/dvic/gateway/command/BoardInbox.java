package org.dvic.gateway.command;

import jakarta.inject.Singleton;
import org.dvic.gateway.config.GatewaySettings;
import org.dvic.protocol.event.Command;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** Commands waiting for a board's next keep-alive, oldest first, bounded per board (oldest dropped). */
@Singleton
public final class BoardInbox {
    private final Map<UUID, Deque<Command>> queues = new ConcurrentHashMap<>();
    private final int capacity;

    public BoardInbox(GatewaySettings settings) {
        this.capacity = settings.getBoardCommandQueue();
    }

    /** Queues a command; returns the one dropped to make room, or null. */
    public Command offer(Command command) {
        Deque<Command> q = queues.computeIfAbsent(command.nodeId(), k -> new ArrayDeque<>());
        synchronized (q) {
            Command dropped = q.size() >= capacity ? q.pollFirst() : null;
            q.addLast(command);
            return dropped;
        }
    }

    /** Takes up to {@code max} unexpired commands for the board. Expired ones are returned in {@code expired}. */
    public List<Command> take(UUID boardId, int max, long now, List<Command> expired) {
        Deque<Command> q = queues.get(boardId);
        if (q == null) {
            return List.of();
        }
        List<Command> out = new ArrayList<>();
        synchronized (q) {
            while (!q.isEmpty() && out.size() < max) {
                Command c = q.pollFirst();
                if (c.expiresAt() < now) {
                    expired.add(c);
                } else {
                    out.add(c);
                }
            }
        }
        return out;
    }
}
