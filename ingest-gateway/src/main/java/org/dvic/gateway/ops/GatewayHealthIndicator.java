package org.dvic.gateway.ops;

import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.AbstractHealthIndicator;
import jakarta.inject.Singleton;
import org.dvic.gateway.agent.AgentConnections;
import org.dvic.gateway.command.CommandRouter;
import org.dvic.gateway.command.FleetSessions;
import org.dvic.gateway.kafka.EventProducer;
import org.dvic.gateway.registry.NodeRegistry;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * UP once the registry is loaded (until then every socket is refused as unavailable) and commands
 * are routed (until then a command issued would be missed by this instance).
 */
@Singleton
public class GatewayHealthIndicator extends AbstractHealthIndicator<Map<String, Object>> {
    private final NodeRegistry registry;
    private final FleetSessions sessions;
    private final AgentConnections connections;
    private final EventProducer producer;
    private final CommandRouter commands;

    public GatewayHealthIndicator(NodeRegistry registry, FleetSessions sessions, AgentConnections connections,
                                  EventProducer producer, CommandRouter commands) {
        this.registry = registry;
        this.sessions = sessions;
        this.connections = connections;
        this.producer = producer;
        this.commands = commands;
    }

    @Override
    protected Map<String, Object> getHealthInformation() {
        boolean registryLoaded = registry.loaded();
        boolean commandsRouted = commands.ready();
        healthStatus = registryLoaded && commandsRouted ? HealthStatus.UP : HealthStatus.DOWN;
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("registryLoaded", registryLoaded);
        info.put("commandsRouted", commandsRouted);
        info.put("registeredNodes", registry.size());
        info.put("sessionsLoaded", sessions.loaded());
        info.put("agentSockets", connections.size());
        info.put("recordsInFlight", producer.inFlight());
        return info;
    }

    @Override
    protected String getName() {
        return "gateway";
    }
}
