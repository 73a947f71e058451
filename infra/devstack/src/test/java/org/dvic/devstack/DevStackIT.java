package org.dvic.devstack;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.dvic.devstack.junit.DevStackExtension;
import org.dvic.devstack.junit.TestStack;
import org.dvic.protocol.topic.Topic;
import org.dvic.protocol.topic.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

@ExtendWith(DevStackExtension.class)
class DevStackIT {
    private final TestStack stack;

    DevStackIT(TestStack stack) {
        this.stack = stack;
    }

    @Test
    void everyCatalogueTopicExistsWithItsPartitionsAndRetention() throws Exception {
        // Given the test's namespace; When its topics are described
        String ns = stack.namespace();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()))) {
            Set<String> names = Topics.ALL.stream().map(t -> t.nameIn(ns)).collect(Collectors.toSet());
            var described = admin.describeTopics(names).allTopicNames().get();
            var configs = admin.describeConfigs(names.stream()
                    .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList()).all().get();
            // Then each has the catalogue's partitions and cleanup policy
            for (Topic<?, ?> t : Topics.ALL) {
                assertEquals(t.partitions(), described.get(t.nameIn(ns)).partitions().size(), t.name());
                var config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, t.nameIn(ns)));
                assertEquals(t.compacted() ? "compact" : "delete", config.get("cleanup.policy").value(), t.name());
                if (!t.compacted()) {
                    assertEquals(String.valueOf(t.retention().toMillis()), config.get("retention.ms").value(), t.name());
                }
            }
        }
    }

    @Test
    void theBrokerStoresAndServesRecordsWithAcksAll() {
        // Given a topic of the namespace
        String topic = stack.topic(Topics.REJECTED);
        // When a record is produced with acks=all and the idempotent producer
        try (var producer = new KafkaProducer<String, String>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                stack.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "k", "hello")).get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        // Then a consumer reads it back
        try (var consumer = new KafkaConsumer<String, String>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                stack.bootstrapServers(), ConsumerConfig.GROUP_ID_CONFIG, "it", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            List<String> values = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
                return !values.isEmpty();
            });
            assertEquals(List.of("hello"), values);
        }
    }

    @Test
    void cassandraAnswersCql() {
        try (var session = stack.cassandra().connect()) {
            String version = session.execute("SELECT release_version FROM system.local").one().getString(0);
            assertFalse(version.isBlank());
            assertEquals("5.0", version.substring(0, 3));
        }
    }
}
