package org.dvic.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.dvic.protocol.event.Event;
import org.dvic.protocol.json.EventCodec;
import org.dvic.protocol.schema.EventSchemas;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SchemaTest {
    /** Set -Ddvic.schemas.write=true to rewrite the schema files from the records. */
    private static final boolean WRITE = Boolean.getBoolean("dvic.schemas.write");
    private static final Path SOURCE_DIR = Path.of("src/main/resources/schemas");

    private final EventCodec codec = new EventCodec();
    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void schemaFilesMatchTheRecords() throws IOException {
        Map<String, ObjectNode> generated = EventSchemas.all();
        if (WRITE) {
            Files.createDirectories(SOURCE_DIR);
            for (var e : generated.entrySet()) {
                Files.writeString(SOURCE_DIR.resolve(EventSchemas.fileName(e.getKey())), EventSchemas.render(e.getValue()));
            }
        }
        for (var e : generated.entrySet()) {
            String committed = resource(EventSchemas.fileName(e.getKey()));
            assertEquals(EventSchemas.render(e.getValue()), committed, () -> e.getKey()
                    + " schema is out of date: run mvn -pl protocol test -Ddvic.schemas.write=true");
        }
    }

    @Test
    void everySerializedSampleValidatesAgainstItsSchema() throws IOException {
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        for (Event event : SampleEvents.all()) {
            JsonNode doc = mapper.readTree(codec.encode(event));
            String type = doc.get("type").textValue();
            JsonSchema schema = factory.getSchema(resource(EventSchemas.fileName(type)));
            Set<ValidationMessage> errors = schema.validate(doc);
            assertTrue(errors.isEmpty(), () -> type + " does not validate: " + errors);
        }
    }

    @Test
    void schemasRefuseWhatTheCodecRefuses() throws IOException {
        // Given the heartbeat schema; When a field is missing or of the wrong type; Then it does not validate
        JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                .getSchema(resource(EventSchemas.fileName("heartbeat")));
        ObjectNode hb = (ObjectNode) mapper.readTree(codec.encode(SampleEvents.all().get(0)));
        assertTrue(schema.validate(hb).isEmpty());
        assertFalse(schema.validate(hb.deepCopy().put("seq", "1")).isEmpty());
        ObjectNode missing = hb.deepCopy();
        missing.remove("nodeId");
        assertFalse(schema.validate(missing).isEmpty());
        assertFalse(schema.validate(hb.deepCopy().put("extra", 1)).isEmpty());
    }

    private static String resource(String name) throws IOException {
        if (WRITE) {
            return Files.readString(SOURCE_DIR.resolve(name));
        }
        try (InputStream in = SchemaTest.class.getResourceAsStream("/schemas/" + name)) {
            assertNotNull(in, "missing schema file " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
