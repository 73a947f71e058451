package org.dvic.localstack;

import java.util.List;

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
     */
    record Service(String name, String module, String mainClass, int port, String healthPath, int heapMb) {
    }

    /** Add a service here when its module lands. */
    static final List<Service> ALL = List.of();
}
