package org.dvic.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

class VectorsTest {
    private static final Path VECTORS = Path.of("..", "spec", "vectors");

    @TempDir
    Path dir;

    @TestFactory
    Stream<DynamicTest> everyGoldenVectorIsReproducedByteForByte() throws IOException {
        List<Path> inputs;
        try (Stream<Path> files = Files.list(VECTORS)) {
            inputs = files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertTrue(inputs.size() >= 5, "vectors found in " + VECTORS.toAbsolutePath());
        return inputs.stream().map(input -> DynamicTest.dynamicTest(input.getFileName().toString(), () -> replay(input)));
    }

    private void replay(Path input) throws IOException {
        // Given the inputs of one vector and a clock that replays their times
        JsonNode vector = TestFiles.JSON.readTree(input.toFile());
        String name = input.getFileName().toString().replace(".json", "");
        byte[] expected = Files.readAllBytes(input.resolveSibling(name + ".expected"));
        AtomicLong now = new AtomicLong();
        Path caseDir = Files.createDirectory(dir.resolve(name));
        DvicLogger logger = DvicLogger.builder().dir(caseDir).demo(vector.has("demo") ? vector.get("demo").asText() : null)
                .clock(now::get).build();
        // When each call is logged and the logger closed
        for (JsonNode call : vector.get("calls")) {
            now.set(call.get("ts_ms").asLong());
            Map<String, Object> fields = new LinkedHashMap<>();
            if (call.has("fields")) {
                call.get("fields").fields().forEachRemaining(e -> fields.put(e.getKey(), scalar(e.getValue())));
            }
            JsonNode exc = call.get("exc");
            logger.log(now.get(), Level.parse(call.get("level").asText()), call.get("msg").asText(), fields,
                    exc == null ? null : new ExceptionInfo(exc.get("type").asText(), exc.get("message").asText(),
                            exc.get("stack").asText()));
        }
        logger.close();
        // Then the file, header masked, is the expected one
        byte[] actual = Files.readAllBytes(logger.path());
        int nl = indexOf(actual, (byte) '\n');
        byte[] header = TestFiles.maskHeader(new String(actual, 0, nl, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        byte[] masked = new byte[header.length + actual.length - nl];
        System.arraycopy(header, 0, masked, 0, header.length);
        System.arraycopy(actual, nl, masked, header.length, actual.length - nl);
        assertArrayEquals(expected, masked, name + ": output differs from " + name + ".expected");
    }

    private static Object scalar(JsonNode node) {
        if (node.isNull()) {
            return null;
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isIntegralNumber()) {
            return node.longValue();
        }
        if (node.isFloatingPointNumber()) {
            return node.doubleValue();
        }
        return node.asText();
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
