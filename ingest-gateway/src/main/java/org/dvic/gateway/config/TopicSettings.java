package org.dvic.gateway.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import jakarta.validation.constraints.NotNull;
import org.dvic.protocol.topic.Topic;

/** {@code dvic.topics.namespace}: empty in production; tests and benchmarks use one of their own. */
@ConfigurationProperties("dvic.topics")
public class TopicSettings {
    @NotNull
    private String namespace = "";
    /** Names are looked up for every event; computed once per topic. */
    private final java.util.Map<Topic<?, ?>, String> names = new java.util.concurrent.ConcurrentHashMap<>();

    public String getNamespace() {
        return namespace;
    }

    public void setNamespace(String namespace) {
        this.namespace = namespace == null ? "" : namespace;
        names.clear();
    }

    public String name(Topic<?, ?> topic) {
        return names.computeIfAbsent(topic, t -> t.nameIn(namespace));
    }
}
