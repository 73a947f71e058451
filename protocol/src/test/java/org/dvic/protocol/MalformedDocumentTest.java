package org.dvic.protocol;

import org.dvic.protocol.json.EventCodec;
import org.dvic.protocol.json.ProtocolException;
import org.dvic.protocol.wire.WireCodec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Each malformed document is refused with a message that names the field and the reason. */
class MalformedDocumentTest {
    private static final String N = SampleEvents.NODE.toString();
    private static final String HB = "{\"type\":\"heartbeat\",\"v\":1,\"nodeId\":\"" + N + "\",\"seq\":1,\"ts\":2,\"intervalMs\":5000";
    private static final String LOG = "{\"type\":\"log\",\"v\":1,\"nodeId\":\"" + N + "\",\"seq\":1,\"ts\":2,"
            + "\"source\":\"journal\",\"level\":\"INFO\",\"message\":\"m\"";

    private final EventCodec codec = new EventCodec();
    private final WireCodec wire = new WireCodec();

    static Stream<Arguments> events() {
        return Stream.of(
                arguments("", "$: empty document"),
                arguments("{", "$: invalid JSON"),
                arguments("[1,2]", "$: expected a JSON object"),
                arguments("\"heartbeat\"", "$: expected a JSON object"),
                arguments(HB + "} {}", "$: trailing content after the JSON document"),
                arguments(HB + "} x", "$: invalid JSON"),
                arguments("{\"v\":1}", "type: missing required field"),
                arguments("{\"type\":7,\"v\":1}", "type: expected a string"),
                arguments("{\"type\":\"telepathy\",\"v\":1}", "type: unknown event type 'telepathy'"),
                arguments("{\"type\":\"heartbeat\",\"nodeId\":\"" + N + "\"}", "v: missing required field"),
                arguments("{\"type\":\"heartbeat\",\"v\":2}", "v: unsupported version 2 (supported: 1)"),
                arguments("{\"type\":\"heartbeat\",\"v\":\"1\"}", "v: expected an integer"),
                arguments("{\"type\":\"heartbeat\",\"v\":1,\"seq\":1,\"ts\":2,\"intervalMs\":5000}", "nodeId: missing required field"),
                arguments("{\"type\":\"heartbeat\",\"v\":1,\"nodeId\":\"" + N + "\",\"ts\":2,\"intervalMs\":5000}", "seq: missing required field"),
                arguments(HB.replace("\"seq\":1", "\"seq\":\"1\"") + "}", "seq: expected an integer"),
                arguments(HB.replace("\"seq\":1", "\"seq\":1.5") + "}", "seq: expected an integer"),
                arguments(HB.replace("\"seq\":1", "\"seq\":null") + "}", "seq: must not be null"),
                arguments(HB.replace("\"seq\":1", "\"seq\":-4") + "}", "seq: must not be negative"),
                arguments(HB.replace("\"" + N + "\"", "\"not-a-uuid\"") + "}", "nodeId: invalid value 'not-a-uuid': expected a UUID string"),
                arguments(HB.replace("\"" + N + "\"", "42") + "}", "nodeId: expected a UUID string"),
                arguments(HB + ",\"extra\":true}", "extra: unknown field"),
                arguments(HB + ",\"seq\":3}", "$: duplicate field 'seq'"),
                arguments(HB.replace("5000", "0") + "}", "intervalMs: must be positive"),
                arguments(LOG.replace("\"INFO\"", "\"LOUD\"") + "}", "level: invalid value 'LOUD': expected one of [TRACE, DEBUG, INFO, WARN, ERROR, FATAL]"),
                arguments(LOG.replace("\"journal\"", "\"demo:../../etc\"") + "}", "source: must be demo:<token>, journal, syslog or agent"),
                arguments(LOG.replace("\"m\"", "17") + "}", "message: expected a string"),
                arguments(LOG.replace(",\"message\":\"m\"", "") + "}", "message: missing required field"),
                arguments(LOG + ",\"fields\":{\"k\":5}}", "fields.k: expected a string"),
                arguments(LOG + ",\"fields\":[\"k\"]}", "fields: expected an object"),
                arguments("{\"type\":\"metric\",\"v\":1,\"nodeId\":\"" + N + "\",\"seq\":1,\"ts\":2,\"values\":{}}", "values: must hold at least one reading"),
                arguments("{\"type\":\"metric\",\"v\":1,\"nodeId\":\"" + N + "\",\"seq\":1,\"ts\":2,\"values\":{\"cpu.total\":\"high\"}}", "values.cpu.total: expected a number"),
                arguments("{\"type\":\"metric\",\"v\":1,\"nodeId\":\"" + N + "\",\"seq\":1,\"ts\":2,\"values\":{\"CPU!\":1}}", "values: invalid metric name 'CPU!'"),
                arguments("{\"type\":\"exec\",\"v\":1,\"commandId\":\"" + N + "\",\"nodeId\":\"" + N
                        + "\",\"issuedBy\":\"a\",\"issuedAt\":10,\"expiresAt\":5,\"commandLine\":\"ls\",\"timeoutMs\":1}", "expiresAt: must not be before issuedAt"),
                arguments("{\"type\":\"inventory\",\"v\":1,\"nodeId\":\"" + N + "\",\"seq\":1,\"ts\":2,\"hostname\":\"h\",\"os\":\"o\",\"kernel\":\"k\","
                        + "\"cpuModel\":\"c\",\"cores\":2,\"memoryBytes\":1,\"disks\":[{\"mount\":\"/\",\"fsType\":\"ext4\"}],"
                        + "\"interfaces\":[],\"agentVersion\":\"1\",\"remoteExecAllowed\":true,\"terminalAllowed\":\"yes\"}",
                        "disks[0].totalBytes: missing required field")
        );
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("events")
    void malformedEventIsRefusedWithFieldAndReason(String document, String expected) {
        // Given a malformed document; When decoded; Then a ProtocolException names field and reason
        ProtocolException e = assertThrows(ProtocolException.class, () -> codec.decode(document));
        if (expected.endsWith("invalid JSON")) {
            assertEquals(expected, e.getMessage().substring(0, expected.length()));
        } else {
            assertEquals(expected, e.getMessage());
        }
    }

    static Stream<Arguments> frames() {
        String event = HB + "}";
        return Stream.of(
                arguments("{\"v\":1,\"seq\":1,\"events\":[]}", "events: must hold at least one event"),
                arguments("{\"v\":1,\"seq\":1}", "events: missing required field"),
                arguments("{\"v\":1,\"seq\":1,\"events\":{}}", "events: expected an array"),
                arguments("{\"v\":1,\"seq\":9,\"events\":[" + event + "]}", "seq: must equal the last event's seq (1)"),
                arguments("{\"v\":1,\"seq\":1,\"events\":[" + event + "," + event + "]}", "events[1].seq: must be greater than the previous event's seq"),
                arguments("{\"v\":1,\"seq\":1,\"events\":[" + event.replace("\"seq\":1", "\"seq\":\"x\"") + "]}", "events[0].seq: expected an integer"),
                arguments("{\"v\":1,\"seq\":1,\"events\":[{\"type\":\"node-status\",\"v\":1}]}", "events[0].type: event type 'node-status' is not allowed here"),
                arguments("{\"v\":1,\"seq\":1,\"events\":[" + event + "],\"more\":1}", "more: unknown field"),
                arguments("{\"v\":3,\"seq\":1,\"events\":[" + event + "]}", "v: unsupported version 3 (supported: 1)")
        );
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("frames")
    void malformedBatchIsRefusedWithFieldAndReason(String frame, String expected) {
        ProtocolException e = assertThrows(ProtocolException.class,
                () -> wire.decodeBatch(frame.getBytes(StandardCharsets.UTF_8)));
        assertEquals(expected, e.getMessage());
    }

    @org.junit.jupiter.api.Test
    void invalidUtf8IsRefused() {
        byte[] bad = (HB + ",\"x\":\"").getBytes(StandardCharsets.UTF_8);
        byte[] doc = new byte[bad.length + 3];
        System.arraycopy(bad, 0, doc, 0, bad.length);
        doc[bad.length] = (byte) 0xC3; // a lead byte followed by a non-continuation byte
        doc[bad.length + 1] = '"';
        doc[bad.length + 2] = '}';
        ProtocolException e = assertThrows(ProtocolException.class, () -> codec.decode(doc));
        assertEquals("$: invalid UTF-8", e.getMessage());
    }
}
