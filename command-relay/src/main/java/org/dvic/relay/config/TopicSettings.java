package org.dvic.relay.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import jakarta.validation.constraints.NotNull;
import org.dvic.protocol.topic.Topic;

/** {@code dvic.topics.namespace}: empty in production; tests and benchmarks use one of their own. */
@ConfigurationProperties("dvic.topics")
public class TopicSettings {
    @NotNull
    private String namespace = "";

    public String getNamespace() {
        return namespace;
    }

    public void setNamespace(String namespace) {
        this.namespace = namespace == null ? "" : namespace;
    }

    public String name(Topic<?, ?> topic) {
        return topic.nameIn(namespace);
    }
}
