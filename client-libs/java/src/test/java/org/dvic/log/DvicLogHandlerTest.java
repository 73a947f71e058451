package org.dvic.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DvicLogHandlerTest {
    @TempDir
    Path dir;

    @Test
    void julRecordsBecomeLinesWithMappedLevels() {
        // Given a JUL logger with the handler
        DvicLogHandler handler = new DvicLogHandler(DvicLogger.builder().dir(dir).demo("robot-arm").build());
        Logger jul = Logger.getLogger("org.dvic.log.test");
        jul.setUseParentHandlers(false);
        jul.setLevel(java.util.logging.Level.ALL);
        jul.addHandler(handler);
        // When records of several levels are published
        try {
            jul.log(java.util.logging.Level.INFO, "arm {0} homed", "left");
            jul.finest("very fine");
            jul.config("configured");
            jul.warning("battery low");
            jul.log(java.util.logging.Level.SEVERE, "servo stalled", new IllegalStateException("no ack"));
        } finally {
            jul.removeHandler(handler);
            handler.close();
        }
        // Then each is a line with the format's level and the formatted message
        List<JsonNode> records = TestFiles.records(handler.logger().path());
        assertEquals(List.of("INFO arm left homed", "TRACE very fine", "DEBUG configured", "WARN battery low",
                "ERROR servo stalled"), records.stream().map(r -> r.get("level").asText() + " " + r.get("msg").asText()).toList());
        assertEquals("java.lang.IllegalStateException", records.get(4).get("exc").get("type").asText());
    }
}
