package org.dvic.relay;

import io.micronaut.runtime.server.EmbeddedServer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.dvic.devstack.junit.DevStackExtension;
import org.dvic.devstack.junit.TestStack;
import org.dvic.protocol.topic.Topics;
import org.dvic.relay.RelayTestSupport.Client;
import org.dvic.relay.RelayTestSupport.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.dvic.relay.RelayTestSupport.PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Queued commands are durable: they survive the relay that took them, go out once when the node
 * is back, and expire at their deadline, with the real Kafka broker and Cassandra node.
 */
@ExtendWith(DevStackExtension.class)
class CommandQueueIT {

    @Test
    void queuedCommandsOutliveTheRelayThatTookThemAndGoOutOnceOrExpire(TestStack stack) throws Exception {
        RelayTestSupport.prepareKeyspace(stack);
        try (KafkaProducer<byte[], byte[]> producer = RelayTestSupport.producer(stack)) {
            // Given an offline agent node and a relay that queued two commands for it
            String soon;
            String later;
            UUID node;
            EmbeddedServer first = RelayTestSupport.start(stack, Map.of());
            try {
                Client admin = RelayTestSupport.adminAndUsers(first);
                Response reg = admin.post("/api/nodes/agents", "{\"name\":\"queue-pc\",\"labels\":{}}");
                assertEquals(201, reg.status(), reg.body());
                node = UUID.fromString(reg.json().path("node").path("nodeId").asText());
                RelayTestSupport.publish(producer, stack, Topics.NODE_STATUS, node.toString(), RelayTestSupport.offline(node));
                await().atMost(Duration.ofSeconds(20)).until(() -> admin.get("/api/nodes/" + node).json()
                        .path("state").asText().equals("OFFLINE"));
                Client operator = new Client(first).login("operator", PASSWORD);
                later = queue(operator, node, "uptime", 120_000);
                soon = queue(operator, node, "date", 3_000);
            } finally {
                // When that relay stops before the node is back
                first.close();
            }

            EmbeddedServer second = RelayTestSupport.start(stack, Map.of());
            try {
                // Then the other relay expires the command whose deadline passed, and sends it nowhere
                await().atMost(Duration.ofSeconds(30)).until(() -> count(stack, stack.topic(Topics.COMMAND_EVENTS), soon,
                        "command-expired") == 1);

                // And when the node comes back, the other command goes out, once
                RelayTestSupport.publish(producer, stack, Topics.NODE_STATUS, node.toString(), RelayTestSupport.online(node));
                await().atMost(Duration.ofSeconds(30)).until(() -> count(stack, stack.topic(Topics.COMMANDS), later, "") == 1);
                Thread.sleep(5_000); // two more queue sweeps (every 2 s): still once
                assertEquals(1, count(stack, stack.topic(Topics.COMMANDS), later, ""));
                assertEquals(0, count(stack, stack.topic(Topics.COMMANDS), soon, ""));
                assertEquals(1, count(stack, stack.topic(Topics.COMMAND_EVENTS), soon, "command-expired"));
            } finally {
                second.close();
            }
        }
    }

    private static String queue(Client operator, UUID node, String commandLine, long deadlineMs) {
        Response r = operator.post("/api/nodes/" + node + "/commands", "{\"command\":{\"type\":\"exec\",\"commandLine\":\""
                + commandLine + "\"},\"queue\":true,\"deadlineMs\":" + deadlineMs + "}");
        assertEquals(202, r.status(), r.body());
        assertEquals("QUEUED", r.json().path("status").asText());
        return r.json().path("commandId").asText();
    }

    private static long count(TestStack stack, String topic, String commandId, String type) {
        return RelayTestSupport.readAll(stack, topic).stream()
                .filter(v -> v.contains(commandId) && v.contains(type)).count();
    }
}
