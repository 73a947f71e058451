package org.dvic.gateway;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GatewayConfigTest {
    @Test
    void withoutKafkaTheGatewayRefusesToStartAndNamesTheSetting() {
        Exception e = assertThrows(Exception.class,
                () -> ApplicationContext.run(EmbeddedServer.class, Map.of("micronaut.server.port", -1)).close());
        assertTrue(messages(e).contains("dvic.kafka.bootstrap-servers"), messages(e));
    }

    @Test
    void anInvalidLimitIsRefused() {
        Exception e = assertThrows(Exception.class, () -> ApplicationContext.run(EmbeddedServer.class,
                Map.of("micronaut.server.port", -1, "dvic.kafka.bootstrap-servers", "127.0.0.1:1",
                        "dvic.gateway.max-frame-bytes", 10)).close());
        assertTrue(messages(e).contains("maxFrameBytes"), messages(e));
    }

    @Test
    void aMisspeltSettingIsRefusedByName() {
        Exception e = assertThrows(Exception.class, () -> ApplicationContext.run(EmbeddedServer.class,
                Map.of("micronaut.server.port", -1, "dvic.kafka.bootstrap-servers", "127.0.0.1:1",
                        "dvic.gateway.max-frame-byte", 4096)).close());
        assertTrue(messages(e).contains("dvic.gateway.max-frame-byte"), messages(e));
    }

    @Test
    void misspeltEnvironmentVariablesAreFound() {
        java.util.List<String> found = org.dvic.gateway.config.SettingsCheckAccess.unknown(Map.of("DVIC_GATEWAY_MAX_FRAME_BYTES", "1",
                "DVIC_GATEWAY_MAX_FRAME_BYTE", "1", "DVIC_KAFKA_BOOTSTRAP_SERVERS", "x", "DVIC_TOPICS_NAMESPACE", "",
                "DVIC_CASSANDRA_KEYSPACE", "other services' keys are not ours"));
        org.junit.jupiter.api.Assertions.assertEquals(java.util.List.of("DVIC_GATEWAY_MAX_FRAME_BYTE"), found);
    }

    private static String messages(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            sb.append(t.getMessage()).append('\n');
        }
        return sb.toString();
    }
}
