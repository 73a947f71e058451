package org.dvic.agent.docker;

import org.dvic.agent.demolog.DemoLogTailer;
import org.dvic.protocol.json.JsonValues;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DockerContainersTest {
    @Test
    void aContainerIsSearchedThroughItsInitProcessRoot() throws IOException {
        var c = JsonValues.parseObject(("{\"Id\":\"4f66ad9a0b2e5f3c9d8e7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d\","
                + "\"Names\":[\"/robot-arm\"],\"State\":\"running\"}").getBytes(StandardCharsets.UTF_8));

        DemoLogTailer.Source s = DockerContainers.source((String) c.get("Id"), DockerContainers.name(c), 4242);

        assertEquals("c-4f66ad9a0b2e", s.id());
        assertEquals(Path.of("/proc/4242/root/tmp"), s.dir());
        assertEquals(Path.of("/proc/4242/root/proc"), s.procRoot());
        assertEquals("robot-arm", s.container());
    }

    @Test
    void onlyA200AnswerHasABody() throws IOException {
        byte[] ok = "HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n[]".getBytes(StandardCharsets.US_ASCII);
        byte[] denied = "HTTP/1.0 403 Forbidden\r\n\r\n{}".getBytes(StandardCharsets.US_ASCII);

        assertEquals("[]", new String(DockerContainers.body(ok), StandardCharsets.US_ASCII));
        assertThrows(IOException.class, () -> DockerContainers.body(denied));
    }

    @Test
    void aMissingSocketMeansNoDocker() {
        assertEquals(false, DockerContainers.available(Path.of("/nonexistent/docker.sock")));
    }
}
