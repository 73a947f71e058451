package org.dvic.devstack.junit;

import org.dvic.devstack.CassandraNode;
import org.dvic.devstack.DevStack;
import org.dvic.devstack.KafkaNode;
import org.dvic.devstack.TopicCatalogue;
import org.dvic.protocol.topic.Topic;

import java.util.Locale;
import java.util.UUID;

/**
 * One test class's view of the shared engines: its own topic namespace (every catalogue topic,
 * created on first use) and its own keyspace name (migrate it with the store module's
 * {@code CassandraStore.open(StoreSettings.local(stack.cassandraPort(), stack.keyspace()))}).
 */
public final class TestStack implements AutoCloseable {
    private final DevStack stack;
    private final String namespace;
    private final String keyspace;
    private boolean topicsCreated;

    TestStack(DevStack stack, String testClass) {
        this.stack = stack;
        String id = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        String name = testClass.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        this.namespace = "t-" + name.substring(0, Math.min(name.length(), 30)) + "-" + id;
        this.keyspace = "t_" + name.substring(0, Math.min(name.length(), 30)) + "_" + id;
    }

    public String bootstrapServers() {
        return stack.kafka().bootstrapServers();
    }

    /** The topic namespace of this test class; every catalogue topic exists in it. */
    public synchronized String namespace() {
        if (!topicsCreated) {
            TopicCatalogue.create(bootstrapServers(), namespace, (short) 1);
            topicsCreated = true;
        }
        return namespace;
    }

    /** The name of a catalogue topic in this test class's namespace. */
    public String topic(Topic<?, ?> topic) {
        return topic.nameIn(namespace());
    }

    /** The keyspace name of this test class (nothing creates it until a test migrates it). */
    public String keyspace() {
        return keyspace;
    }

    public int cassandraPort() {
        return stack.cassandra().nativePort();
    }

    public KafkaNode kafka() {
        return stack.kafka();
    }

    public CassandraNode cassandra() {
        return stack.cassandra();
    }

    @Override
    public void close() {
        // Namespaced topics and keyspaces die with the engines' state at the end of the run.
    }
}
