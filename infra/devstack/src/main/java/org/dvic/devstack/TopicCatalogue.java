package org.dvic.devstack;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.dvic.protocol.topic.Topic;
import org.dvic.protocol.topic.Topics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Creates every topic of the catalogue ({@link Topics#ALL}) with its partitions, retention or compaction. */
public final class TopicCatalogue {
    private TopicCatalogue() {
    }

    /** Creates the topics that do not exist yet in {@code namespace}; returns the names it created. */
    public static List<String> create(String bootstrapServers, String namespace, short replicationFactor) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            List<NewTopic> topics = new ArrayList<>();
            for (Topic<?, ?> t : Topics.ALL) {
                topics.add(new NewTopic(t.nameIn(namespace), t.partitions(), replicationFactor).configs(configOf(t)));
            }
            List<String> created = new ArrayList<>();
            var results = admin.createTopics(topics).values();
            for (var entry : results.entrySet()) {
                try {
                    entry.getValue().get(60, TimeUnit.SECONDS);
                    created.add(entry.getKey());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + entry.getKey() + ": "
                                + e.getCause().getMessage(), e.getCause());
                    }
                }
            }
            return created;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("topic creation timed out", e);
        }
    }

    static Map<String, String> configOf(Topic<?, ?> topic) {
        Map<String, String> config = new HashMap<>();
        if (topic.compacted()) {
            config.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        } else {
            config.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
            config.put(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(topic.retention().toMillis()));
        }
        // Timestamps are the producer's (the event's own time): windows and retention follow it.
        config.put(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "CreateTime");
        return config;
    }
}
