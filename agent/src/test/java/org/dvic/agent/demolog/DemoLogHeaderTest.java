package org.dvic.agent.demolog;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DemoLogHeaderTest {

    private DemoLogHeader parse(String line) {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        return DemoLogHeader.parse(b, 0, b.length);
    }

    @Test
    void theSpecExampleHeader() {
        DemoLogHeader h = parse("{\"dvic_log\":1,\"token\":\"3q2-7wAAAAAAAAAAAAAAAA\",\"pid\":4242,\"start_time\":812345,"
                + "\"started_at\":\"2026-11-22T09:59:58.120Z\",\"exe\":\"/usr/bin/python3.11\",\"argv\":[\"python3\","
                + "\"robot.py\",\"--fast\"],\"user\":\"maker\",\"uid\":1000,\"hostname\":\"demo-07\",\"language\":\"python\","
                + "\"library_version\":\"0.1.0\",\"demo\":\"robot-arm\",\"some_future_key\":[1]}");

        assertEquals("3q2-7wAAAAAAAAAAAAAAAA", h.token());
        assertEquals(4242, h.pid());
        assertEquals(812345L, h.startTime());
        assertEquals("/usr/bin/python3.11", h.exe());
        assertEquals("maker", h.user());
        assertEquals(1000, h.uid());
        assertEquals("python", h.language());
        assertEquals("robot-arm", h.demo());
    }

    @Test
    void nullsWhereThereIsNoProcAndNoDemo() {
        DemoLogHeader h = parse("{\"dvic_log\":1,\"token\":\"3q2-7wAAAAAAAAAAAAAAAA\",\"pid\":7,\"start_time\":null,"
                + "\"started_at\":\"x\",\"exe\":null,\"argv\":[],\"user\":null,\"uid\":null,\"hostname\":\"h\","
                + "\"language\":\"node\",\"library_version\":\"0.1.0\"}");

        assertNull(h.startTime());
        assertNull(h.exe());
        assertNull(h.demo());
    }

    @Test
    void anotherFormatVersionOrMissingPidIsRefused() {
        assertThrows(MalformedLineException.class, () -> parse("{\"dvic_log\":2,\"token\":\"3q2-7wAAAAAAAAAAAAAAAA\",\"pid\":7}"));
        assertThrows(MalformedLineException.class, () -> parse("{\"dvic_log\":1,\"token\":\"3q2-7wAAAAAAAAAAAAAAAA\"}"));
        assertThrows(MalformedLineException.class, () -> parse("{\"dvic_log\":1,\"token\":\"short\",\"pid\":7}"));
        assertThrows(MalformedLineException.class, () -> parse("{\"ts\":\"2026-11-22T10:00:00.123Z\"}"));
        assertThrows(MalformedLineException.class, () -> parse("nope"));
    }
}
