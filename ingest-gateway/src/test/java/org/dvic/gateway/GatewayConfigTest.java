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

    private static String messages(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            sb.append(t.getMessage()).append('\n');
        }
        return sb.toString();
    }
}
