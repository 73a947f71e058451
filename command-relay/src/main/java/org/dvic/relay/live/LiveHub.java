package org.dvic.relay.live;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;
import org.dvic.protocol.event.CommandEvent;
import org.dvic.protocol.event.Event;
import org.dvic.protocol.event.LogRecord;
import org.dvic.protocol.event.MetricSample;
import org.dvic.relay.config.RelaySettings;
import org.dvic.relay.fleet.IssuerMemory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Fan-out from the feed to the sockets, by index (fleet, node metrics, node logs, issuer, terminal),
 * so an event costs work only for the subscriptions that want it. Never blocks: each socket has
 * its own bounded buffer ({@link LiveClient}).
 */
@Singleton
public final class LiveHub {
    private static final Logger LOG = LoggerFactory.getLogger(LiveHub.class);
    public static final int CLOSE_SLOW = 4008;

    private final int clientBuffer;
    private final IssuerMemory issuers;
    private final Set<LiveClient> clients = ConcurrentHashMap.newKeySet();
    private final Set<Subscription> fleetSubs = ConcurrentHashMap.newKeySet();
    private final Map<UUID, Set<Subscription>> metricSubs = new ConcurrentHashMap<>();
    private final Map<UUID, Set<Subscription>> logSubs = new ConcurrentHashMap<>();
    private final Map<String, Set<Subscription>> commandSubs = new ConcurrentHashMap<>();
    private final Map<UUID, LiveClient> terminals = new ConcurrentHashMap<>();
    private final Counter slowDisconnects;
    private final Counter messages;
    private volatile Consumer<LiveClient> onClientGone = c -> { };

    public LiveHub(RelaySettings settings, IssuerMemory issuers, MeterRegistry meters) {
        this.clientBuffer = settings.getLiveClientBuffer();
        this.issuers = issuers;
        this.slowDisconnects = meters.counter("dvic.relay.live.slow.disconnects");
        this.messages = meters.counter("dvic.relay.live.messages");
        meters.gauge("dvic.relay.live.clients", clients, Set::size);
    }

    LiveClient connect(io.micronaut.websocket.WebSocketSession session, org.dvic.relay.auth.Principal principal,
                       String cookie) {
        LiveClient client = new LiveClient(session, principal, cookie, clientBuffer, this::slow);
        clients.add(client);
        return client;
    }

    void onClientGone(Consumer<LiveClient> hook) {
        this.onClientGone = hook;
    }

    public int clientCount() {
        return clients.size();
    }

    /** Live log subscriptions on a node (tests and health). */
    public int logSubscribers(UUID nodeId) {
        Set<Subscription> subs = logSubs.get(nodeId);
        return subs == null ? 0 : subs.size();
    }

    public long slowDisconnects() {
        return (long) slowDisconnects.count();
    }

    Set<LiveClient> clients() {
        return clients;
    }

    private void slow(LiveClient client) {
        slowDisconnects.increment();
        LOG.info("closing live socket of '{}': client too slow ({} messages buffered)", client.principal().username(),
                clientBuffer);
        client.close(CLOSE_SLOW, "client too slow: more than " + clientBuffer + " messages waiting");
        disconnect(client);
    }

    /** Forgets the client and everything it subscribed to; idempotent. */
    void disconnect(LiveClient client) {
        if (!clients.remove(client)) {
            return;
        }
        client.subscriptions.values().forEach(this::remove);
        client.subscriptions.clear();
        client.terminals.keySet().forEach(terminals::remove);
        onClientGone.accept(client);
    }

    void add(Subscription s) {
        Subscription old = s.client().subscriptions.put(s.id(), s);
        if (old != null) {
            remove(old);
        }
        switch (s.topic()) {
            case "fleet" -> fleetSubs.add(s);
            case "metrics" -> metricSubs.computeIfAbsent(s.nodeId(), k -> ConcurrentHashMap.newKeySet()).add(s);
            case "logs" -> logSubs.computeIfAbsent(s.nodeId(), k -> ConcurrentHashMap.newKeySet()).add(s);
            case "commands" -> commandSubs.computeIfAbsent(s.client().principal().username(),
                    k -> ConcurrentHashMap.newKeySet()).add(s);
            default -> throw new IllegalArgumentException(s.topic());
        }
    }

    boolean unsubscribe(LiveClient client, String id) {
        Subscription s = client.subscriptions.remove(id);
        if (s == null) {
            return false;
        }
        remove(s);
        return true;
    }

    private void remove(Subscription s) {
        switch (s.topic()) {
            case "fleet" -> fleetSubs.remove(s);
            case "metrics" -> removeFrom(metricSubs, s.nodeId(), s);
            case "logs" -> removeFrom(logSubs, s.nodeId(), s);
            case "commands" -> removeFrom(commandSubs, s.client().principal().username(), s);
            default -> { }
        }
    }

    private static <K> void removeFrom(Map<K, Set<Subscription>> index, K key, Subscription s) {
        index.computeIfPresent(key, (k, set) -> {
            set.remove(s);
            return set.isEmpty() ? null : set;
        });
    }

    void bindTerminal(UUID terminalId, LiveClient client) {
        terminals.put(terminalId, client);
    }

    void unbindTerminal(UUID terminalId) {
        terminals.remove(terminalId);
    }

    public void fleet(Event event, String json) {
        for (Subscription s : fleetSubs) {
            send(s, json);
        }
    }

    public void metric(MetricSample m, String json) {
        Set<Subscription> subs = metricSubs.get(m.nodeId());
        if (subs != null) {
            for (Subscription s : subs) {
                send(s, json);
            }
        }
    }

    public void log(LogRecord log, String json) {
        Set<Subscription> subs = logSubs.get(log.nodeId());
        if (subs == null) {
            return;
        }
        for (Subscription s : subs) {
            if (s.minLevel() != null && log.level().compareTo(s.minLevel()) < 0) {
                continue;
            }
            if (s.sources() != null && !s.sources().contains(log.source())) {
                continue;
            }
            send(s, json);
        }
    }

    public void commandEvent(CommandEvent event, String json) {
        LiveClient terminalOwner = terminals.get(event.commandId());
        if (terminalOwner != null) {
            LiveClient.Terminal t = terminalOwner.terminals.get(event.commandId());
            if (t != null) {
                terminalOwner.offer(LiveMessages.event("{\"kind\":\"event\",\"id\":" + LiveMessages.quote(t.requestId())
                        + ",\"event\":", json));
                if (!(event instanceof CommandEvent.Output) && !(event instanceof CommandEvent.Accepted)) {
                    terminalOwner.terminals.remove(event.commandId());
                    terminals.remove(event.commandId());
                    terminalOwner.offer("{\"kind\":\"terminal-closed\",\"id\":" + LiveMessages.quote(t.requestId())
                            + ",\"terminalId\":\"" + t.terminalId() + "\",\"reason\":"
                            + LiveMessages.quote(closeReason(event)) + "}");
                }
                messages.increment();
            }
        }
        String issuer = issuers.issuer(event.commandId());
        if (issuer == null) {
            return;
        }
        Set<Subscription> subs = commandSubs.get(issuer);
        if (subs != null) {
            for (Subscription s : subs) {
                send(s, json);
            }
        }
    }

    private static String closeReason(CommandEvent event) {
        if (event instanceof CommandEvent.Completed) {
            return "closed";
        }
        if (event instanceof CommandEvent.Failed f) {
            return "failed: " + f.reason();
        }
        if (event instanceof CommandEvent.Undeliverable u) {
            return "undeliverable: " + u.reason();
        }
        return "expired";
    }

    private void send(Subscription s, String json) {
        messages.increment();
        s.client().offer(LiveMessages.event(s.prefix(), json));
    }

    /** Closes every socket (shutdown): clients reconnect to another instance. */
    public void closeAll(int code, String reason) {
        for (LiveClient c : clients) {
            c.close(code, reason);
            disconnect(c);
        }
    }
}
