package org.dvic.localstack;

import java.util.List;
import java.util.Map;

/**
 * The services the start command runs, in start order. Each module writes its runtime classpath
 * to {@code target/service.classpath}; configuration goes in through the environment
 * (docs/DEVELOPING.md, "Services in the local stack").
 */
final class Services {
    private Services() {
    }

    /**
     * @param module     the module folder, relative to the repository root
     * @param mainClass  the class with {@code main}
     * @param port       its HTTP port (also {@code MICRONAUT_SERVER_PORT})
     * @param healthPath where it answers 200 once ready; null when it has no HTTP side
     * @param heapMb     its -Xmx
     * @param env        settings of its own; {@code {state}} stands for its state folder, {@code {root}} for
     *                   the repository root, {@code {secret:NAME}} for a random secret made once per
     *                   state folder (in {@code secrets/NAME}, readable only by its owner)
     */
    record Service(String name, String module, String mainClass, int port, String healthPath, int heapMb,
                   Map<String, String> env) {
    }

    static final List<Service> ALL = List.of(
            new Service("ingest-gateway", "ingest-gateway", "org.dvic.gateway.GatewayApplication", 8080, "/health",
                    384, Map.of()),
            new Service("stream-processors", "stream-processors",
                    "org.dvic.streams.service.StreamProcessorsApplication", 8082, "/health", 512,
                    Map.of("DVIC_STREAMS_STATE_DIR", "{state}/streams", "DVIC_STREAMS_REPLICATION_FACTOR", "1")),
            new Service("command-relay", "command-relay", "org.dvic.relay.RelayApplication", 8081, "/health", 384,
                    Map.of("DVIC_RELAY_AUTH_SESSION_SECRET", "{secret:relay-session}",
                            "DVIC_RELAY_DASHBOARD_DIR", "{root}/dashboard-svelte/dist",
                            "DVIC_RELAY_UPDATE_SIGNING_KEY_FILE", "{state}/update-signing.key")));
}
