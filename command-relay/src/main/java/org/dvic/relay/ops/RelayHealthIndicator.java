package org.dvic.relay.ops;

import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.AbstractHealthIndicator;
import jakarta.inject.Singleton;
import org.dvic.relay.command.CommandQueue;
import org.dvic.relay.fleet.FleetFeed;
import org.dvic.relay.fleet.FleetState;
import org.dvic.relay.live.LiveHub;

import java.util.LinkedHashMap;
import java.util.Map;

/** UP once the fleet view has read the compacted topics to where they ended at start-up. */
@Singleton
public class RelayHealthIndicator extends AbstractHealthIndicator<Map<String, Object>> {
    private final FleetFeed feed;
    private final FleetState fleet;
    private final LiveHub hub;
    private final CommandQueue queue;

    public RelayHealthIndicator(FleetFeed feed, FleetState fleet, LiveHub hub, CommandQueue queue) {
        this.feed = feed;
        this.fleet = fleet;
        this.hub = hub;
        this.queue = queue;
    }

    @Override
    protected Map<String, Object> getHealthInformation() {
        healthStatus = feed.loaded() ? HealthStatus.UP : HealthStatus.DOWN;
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("fleetLoaded", feed.loaded());
        info.put("nodes", fleet.size());
        info.put("liveClients", hub.clientCount());
        info.put("queuedCommands", queue.size());
        return info;
    }

    @Override
    protected String getName() {
        return "relay";
    }
}
