package org.dvic.agent.demolog;

import com.fasterxml.jackson.core.JsonFactory;
import org.dvic.protocol.event.LogLevel;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DemoLineParserTest {
    private final DemoLineParser parser = new DemoLineParser(new JsonFactory());

    private DemoLineParser.Line parse(String line) {
        byte[] b = ("garbage" + line + "more").getBytes(StandardCharsets.UTF_8);
        return parser.parse(b, 7, line.getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void aRecordLineBecomesTimeLevelMessageAndStringFields() {
        DemoLineParser.Line line = parse("{\"ts\":\"2026-11-22T10:00:00.123Z\",\"level\":\"INFO\",\"msg\":\"arm homed\","
                + "\"fields\":{\"axis\":3,\"ok\":true,\"ratio\":1e+21,\"name\":\"x\\u000ay\",\"none\":null}}");

        assertEquals(Instant.parse("2026-11-22T10:00:00.123Z").toEpochMilli(), line.ts());
        assertEquals(LogLevel.INFO, line.level());
        assertEquals("arm homed", line.message());
        assertEquals(Map.of("axis", "3", "ok", "true", "ratio", "1e+21", "name", "x\ny", "none", "null"),
                line.fields());
        assertNull(line.exception());
    }

    @Test
    void fieldsKeepTheOrderTheProgramGave() {
        DemoLineParser.Line line = parse("{\"ts\":\"2026-11-22T10:00:00.123Z\",\"level\":\"INFO\",\"msg\":\"\","
                + "\"fields\":{\"z\":1,\"a\":2,\"m\":3}}");

        assertEquals(List.of("z", "a", "m"), List.copyOf(line.fields().keySet()));
    }

    @Test
    void anExceptionIsTypeMessageAndStack() {
        DemoLineParser.Line line = parse("{\"ts\":\"2026-11-22T10:00:01.000Z\",\"level\":\"ERROR\",\"msg\":\"servo stalled\","
                + "\"exc\":{\"type\":\"TimeoutError\",\"message\":\"no ack\",\"stack\":\"Traceback\\u000a  ...\"}}");

        assertEquals(LogLevel.ERROR, line.level());
        assertEquals("TimeoutError: no ack\nTraceback\n  ...", line.exception());
    }

    @Test
    void aTruncatedLineIsMarked() {
        DemoLineParser.Line line = parse("{\"ts\":\"2026-11-22T10:00:01.000Z\",\"level\":\"WARN\",\"msg\":\"cut\","
                + "\"truncated\":true}");

        assertEquals("true", line.fields().get(DemoLineParser.TRUNCATED_FIELD));
    }

    @Test
    void theDropReportIsAnOrdinaryRecord() {
        DemoLineParser.Line line = parse("{\"ts\":\"2026-11-22T10:00:01.000Z\",\"level\":\"WARN\",\"msg\":"
                + "\"dvic_log dropped 5 lines\",\"fields\":{\"dvic_dropped\":5,\"buffer_full\":5,\"write_failed\":0}}");

        assertEquals("5", line.fields().get("dvic_dropped"));
    }

    @Test
    void unknownKeysAreIgnored() {
        DemoLineParser.Line line = parse("{\"ts\":\"2026-11-22T10:00:01.000Z\",\"level\":\"DEBUG\",\"msg\":\"m\","
                + "\"future\":{\"a\":[1,2]}}");

        assertEquals("m", line.message());
    }

    @Test
    void malformedLinesSayWhyWithoutTheirContent() {
        String[] bad = {
                "", "not json", "{\"ts\":\"2026-11-22T10:00:01.000Z\",\"level\":\"INFO\"", // fragment of a failed write
                "[1,2]", "{\"level\":\"INFO\",\"msg\":\"no ts\"}",
                "{\"ts\":\"2026-11-22T10:00:01.000Z\",\"level\":\"LOUD\",\"msg\":\"m\"}",
                "{\"ts\":\"yesterday\",\"level\":\"INFO\",\"msg\":\"m\"}",
                "{\"ts\":\"2026-11-22T10:00:01.000Z\",\"level\":\"INFO\",\"msg\":42}",
                "{\"ts\":\"2026-11-22T10:00:01.000Z\",\"level\":\"INFO\",\"msg\":\"m\"} trailing",
                "{\"ts\":\"2026-02-30T10:00:01.000Z\",\"level\":\"INFO\",\"msg\":\"m\"}",
        };
        for (String line : bad) {
            MalformedLineException e = assertThrows(MalformedLineException.class, () -> parse(line), line);
            assertTrue(!e.getMessage().isBlank());
        }
    }

    @Test
    void everyRecordLineOfTheGoldenVectorsParses() throws IOException {
        Path vectors = Path.of("..", "client-libs", "spec", "vectors");
        int lines = 0;
        try (Stream<Path> files = Files.list(vectors)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".expected")).toList()) {
                byte[] content = Files.readAllBytes(f);
                int start = 0;
                boolean header = true;
                for (int i = 0; i < content.length; i++) {
                    if (content[i] == '\n') {
                        if (!header) {
                            parser.parse(content, start, i - start);
                            lines++;
                        }
                        header = false;
                        start = i + 1;
                    }
                }
            }
        }
        assertTrue(lines > 10, "vectors found: " + lines + " lines");
    }
}
