package org.dvic.protocol;

import org.dvic.protocol.event.Command;
import org.dvic.protocol.event.Event;
import org.dvic.protocol.json.EventCodec;
import org.dvic.protocol.json.ProtocolException;
import org.dvic.protocol.wire.AgentCodec;
import org.dvic.protocol.wire.ServerFrame;
import org.dvic.protocol.wire.WireCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The agent's databind-free codec ({@code RecordJson} underneath) against the reference codecs:
 * the same bytes for every sample event, the same records back, the same refusals with the same
 * messages. If the two ever drift, agents would write what the gateway reads differently.
 */
class AgentCodecTest {
    private final EventCodec reference = new EventCodec();
    private final WireCodec wire = new WireCodec();
    private final AgentCodec agent = new AgentCodec();

    static Stream<Event> samples() {
        return SampleEvents.all().stream();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("samples")
    void everyEventIsWrittenToTheSameBytesAndReadBackTheSame(Event event) {
        byte[] expected = reference.encode(event);
        byte[] written = agent.encode(event);
        assertArrayEquals(expected, written, () -> "reference: " + new String(expected, StandardCharsets.UTF_8)
                + "\nagent:     " + new String(written, StandardCharsets.UTF_8));
        assertEquals(reference.decode(expected), agent.decode(expected, Event.class));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("org.dvic.protocol.MalformedDocumentTest#events")
    void everyMalformedEventIsRefusedWithTheSameMessage(String document, String expected) {
        ProtocolException e = assertThrows(ProtocolException.class,
                () -> agent.decode(document.getBytes(StandardCharsets.UTF_8), Event.class));
        if (expected.endsWith("invalid JSON")) {
            assertEquals(expected, e.getMessage().substring(0, expected.length()));
        } else {
            assertEquals(expected, e.getMessage());
        }
    }

    @Test
    void invalidUtf8IsRefused() {
        byte[] doc = {'{', '"', 'x', '"', ':', '"', (byte) 0xC3, '"', '}'};
        assertEquals("$: invalid UTF-8",
                assertThrows(ProtocolException.class, () -> agent.decode(doc, Event.class)).getMessage());
    }

    @Test
    void everyServerFrameIsReadAsTheGatewayWroteIt() {
        List<ServerFrame> frames = new ArrayList<>(List.of(new ServerFrame.Ack(0), new ServerFrame.Ack(1L << 40),
                new ServerFrame.ErrorFrame("rate-limited", "slow down", 17L),
                new ServerFrame.ErrorFrame("invalid-json", "$: invalid JSON at offset 3 — \"x\"", null)));
        for (Event e : SampleEvents.all()) {
            if (e instanceof Command c) {
                frames.add(new ServerFrame.CommandDelivery(c));
            }
        }
        for (ServerFrame f : frames) {
            byte[] bytes = wire.encode(f);
            assertEquals(wire.decodeServerFrame(bytes), agent.decodeServerFrame(bytes),
                    () -> new String(bytes, StandardCharsets.UTF_8));
        }
    }

    static Stream<Arguments> badFrames() {
        String heartbeat = "{\"type\":\"heartbeat\",\"v\":1,\"nodeId\":\"" + SampleEvents.NODE
                + "\",\"seq\":1,\"ts\":2,\"intervalMs\":5000}";
        return Stream.of(
                arguments("[1]"), arguments("{}"), arguments("{\"ack\":1,\"error\":{}}"), arguments("{\"ack\":\"7\"}"),
                arguments("{\"ack\":1.5}"), arguments("{\"ack\":-1}"), arguments("{\"nope\":1}"),
                arguments("{\"error\":\"x\"}"), arguments("{\"error\":{\"code\":\"Bad Code\",\"message\":\"m\"}}"),
                arguments("{\"error\":{\"code\":\"x\",\"message\":\"m\",\"seq\":\"1\"}}"),
                arguments("{\"error\":{\"code\":\"x\",\"message\":\"m\",\"extra\":1}}"),
                arguments("{\"command\":" + heartbeat + "}"),
                arguments("{\"command\":{\"type\":\"exec\",\"v\":1}}"),
                arguments("{\"ack\":1} {\"ack\":2}"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("badFrames")
    void badServerFramesAreRefusedWithTheSameMessage(String frame) {
        byte[] bytes = frame.getBytes(StandardCharsets.UTF_8);
        ProtocolException expected = assertThrows(ProtocolException.class, () -> wire.decodeServerFrame(bytes));
        ProtocolException actual = assertThrows(ProtocolException.class, () -> agent.decodeServerFrame(bytes));
        assertEquals(expected.getMessage(), actual.getMessage());
    }
}
